// PNG rendering of a chart layout: rectangles, lines and the built-in 5x7 bitmap font rasterized
// into RGB pixels, then encoded with stb_image_write (libstb-dev).
#include <cstdio>
#include <fstream>

#include "frontend/chart.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wcast-qual"
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#define STBIW_WINDOWS_UTF8 0
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop

namespace gate386 {

namespace {

struct Canvas {
    int w, h;
    std::vector<unsigned char> px;
    void set(int x, int y, unsigned c) {
        if (x < 0 || y < 0 || x >= w || y >= h) return;
        unsigned char* p = &px[(static_cast<size_t>(y) * w + x) * 3];
        p[0] = static_cast<unsigned char>(c >> 16);
        p[1] = static_cast<unsigned char>(c >> 8);
        p[2] = static_cast<unsigned char>(c);
    }
};

void draw_text(Canvas& cv, const ChartPrim& p) {
    const int cell = 6 * p.size, height = 7 * p.size;
    int len = static_cast<int>(p.text.size()) * cell;
    int start = p.anchor < 0 ? 0 : p.anchor > 0 ? -len : -len / 2;
    for (size_t k = 0; k < p.text.size(); k++) {
        const unsigned char* g = font_glyph(p.text[k]);
        for (int row = 0; row < 7; row++)
            for (int col = 0; col < 5; col++) {
                if (!(g[row] & (0x10 >> col))) continue;
                for (int dy = 0; dy < p.size; dy++)
                    for (int dx = 0; dx < p.size; dx++) {
                        // u runs along the text, v down the glyph; the baseline is at v = height.
                        int u = start + static_cast<int>(k) * cell + col * p.size + dx;
                        int v = row * p.size + dy - height;
                        if (p.vertical) cv.set(p.x + v, p.y - u, p.color);   // rotated 90° counter-clockwise
                        else cv.set(p.x + u, p.y + v, p.color);
                    }
            }
    }
}

}  // namespace

std::vector<unsigned char> render_raster(const ChartLayout& l) {
    Canvas cv{l.width, l.height, std::vector<unsigned char>(static_cast<size_t>(l.width) * l.height * 3, 0xff)};
    for (const ChartPrim& p : l.prims) {
        switch (p.kind) {
        case ChartPrim::Kind::Rect:
            for (int y = p.y; y < p.y + p.h; y++)
                for (int x = p.x; x < p.x + p.w; x++) cv.set(x, y, p.color);
            break;
        case ChartPrim::Kind::Line: {
            // Axis-parallel lines only (all the layout draws).
            int x1 = p.x + p.w, y1 = p.y + p.h;
            for (int y = std::min(p.y, y1); y <= std::max(p.y, y1); y++)
                for (int x = std::min(p.x, x1); x <= std::max(p.x, x1); x++) cv.set(x, y, p.color);
            break;
        }
        case ChartPrim::Kind::Text: draw_text(cv, p); break;
        }
    }
    return cv.px;
}

bool chart_format_known(const std::string& path) {
    auto ends = [&](const char* ext) {
        std::string e = ext;
        return path.size() > e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0;
    };
    return ends(".png") || ends(".svg");
}

bool write_chart(const BarChart& c, const std::string& path, std::string& err) {
    ChartLayout l = layout_chart(c);
    if (path.size() > 4 && path.compare(path.size() - 4, 4, ".svg") == 0) {
        std::ofstream out(path, std::ios::binary);
        out << render_svg(l);
        if (!out) { err = "cannot write '" + path + "'"; return false; }
        return true;
    }
    if (path.size() > 4 && path.compare(path.size() - 4, 4, ".png") == 0) {
        std::vector<unsigned char> px = render_raster(l);
        if (!stbi_write_png(path.c_str(), l.width, l.height, 3, px.data(), l.width * 3)) {
            err = "cannot write '" + path + "'";
            return false;
        }
        return true;
    }
    err = "unknown chart format for '" + path + "' (.png or .svg)";
    return false;
}

}  // namespace gate386
