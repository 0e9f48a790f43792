// How sizes and rectangles read in svgcast's messages: "WxH", and "x,y,WxH"
// as --region takes it. One form everywhere a message names one.
//
// Threading: plain functions of their arguments.
#ifndef SVGCAST_CAPTURE_GEOMETRY_TEXT_H_
#define SVGCAST_CAPTURE_GEOMETRY_TEXT_H_

#include <string>

#include <opencv2/core.hpp>

namespace svgcast {

// "WxH".
inline std::string SizeText(cv::Size size) {
  return std::to_string(size.width) + "x" + std::to_string(size.height);
}

// "x,y,WxH", as --region takes it.
inline std::string RegionText(const cv::Rect& r) {
  return std::to_string(r.x) + "," + std::to_string(r.y) + "," +
         SizeText(r.size());
}

}  // namespace svgcast

#endif  // SVGCAST_CAPTURE_GEOMETRY_TEXT_H_
