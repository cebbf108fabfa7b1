// Grouped bar charts for reports (`gate386 compare --chart`): one group per CPU model, one bar per
// gate. The layout is computed once as drawing primitives (chart_layout.cpp) and rendered as SVG
// text (chart_svg.cpp) or as a PNG raster with a built-in 5x7 bitmap font (chart_png.cpp).
#pragma once
#include <string>
#include <vector>

namespace gate386 {

struct BarChart {
    std::string title, subtitle, y_label, x_label;
    std::vector<std::string> series;          // legend entries, one per bar of a group
    struct Group {
        std::string name;                     // "pentium4 (2000 MHz)"; drawn on two lines at " ("
        std::vector<double> values;           // < 0: not available (drawn as a "n/a" label)
        std::vector<std::string> labels;      // printed above each bar
    };
    std::vector<Group> groups;
};

// Drawing primitives in pixels, origin top left.
struct ChartPrim {
    enum class Kind { Rect, Line, Text } kind = Kind::Rect;
    int x = 0, y = 0, w = 0, h = 0;           // Rect; Line: (x, y) → (x + w, y + h)
    unsigned color = 0;                       // 0xRRGGBB
    std::string text;                         // Text: anchored at (x, y) = baseline
    int size = 2;                             // Text: font scale (cell 6x8 pixels × size)
    int anchor = 0;                           // Text: -1 start, 0 middle, 1 end
    bool vertical = false;                    // Text: rotated 90° counter-clockwise
};

struct ChartLayout {
    int width = 0, height = 0;
    std::vector<ChartPrim> prims;
};

ChartLayout layout_chart(const BarChart& c);
std::string render_svg(const ChartLayout& l);
// RGB pixels, row-major, width × height × 3.
std::vector<unsigned char> render_raster(const ChartLayout& l);
// Glyph rows of the built-in font for a printable ASCII character (others draw as '?'): 7 rows
// of 5 bits, bit 4 leftmost.
const unsigned char* font_glyph(char ch);

bool chart_format_known(const std::string& path);
// Writes .svg or .png by the file name's extension.
bool write_chart(const BarChart& c, const std::string& path, std::string& err);

}  // namespace gate386
