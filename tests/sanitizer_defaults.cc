// Default options for the sanitizer runtimes, compiled into svgcast's
// executables only in sanitizer builds (SVGCAST_SANITIZE): they point the
// runtimes at the suppression files next to this one, so a sanitizer build
// behaves the same whether it is run by ctest, by a test that starts the
// svgcast binary, or by hand. Options in the environment still override.
//
// Threading: read once by each runtime at start-up.

extern "C" const char* __tsan_default_options() {
  return "suppressions=" SVGCAST_SOURCE_DIR
         "/tests/tsan_suppressions.txt:halt_on_error=1:second_deadlock_stack=1";
}

extern "C" const char* __ubsan_default_options() {
  return "suppressions=" SVGCAST_SOURCE_DIR
         "/tests/ubsan_suppressions.txt:print_stacktrace=1:halt_on_error=1";
}
