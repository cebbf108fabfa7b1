// Bar chart geometry: axes with round ticks, one group of bars per model, labels and legend.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "frontend/chart.h"

namespace gate386 {

namespace {

constexpr unsigned kSeriesColors[] = {0xc0392b, 0x2471a3, 0x27ae60, 0x8e44ad, 0xd68910};
constexpr unsigned kInk = 0x222222, kGrid = 0xdddddd, kMuted = 0x666666;
constexpr int kCharW = 6, kCharH = 8;   // font cell at scale 1

ChartPrim text(int x, int y, const std::string& s, int size, int anchor, unsigned color = kInk, bool vertical = false) {
    ChartPrim p;
    p.kind = ChartPrim::Kind::Text;
    p.x = x; p.y = y; p.text = s; p.size = size; p.anchor = anchor; p.color = color; p.vertical = vertical;
    return p;
}
ChartPrim rect(int x, int y, int w, int h, unsigned color) {
    ChartPrim p;
    p.kind = ChartPrim::Kind::Rect;
    p.x = x; p.y = y; p.w = w; p.h = h; p.color = color;
    return p;
}
ChartPrim line(int x, int y, int dx, int dy, unsigned color) {
    ChartPrim p;
    p.kind = ChartPrim::Kind::Line;
    p.x = x; p.y = y; p.w = dx; p.h = dy; p.color = color;
    return p;
}

// A round tick step giving about five intervals up to `v`.
double tick_step(double v) {
    double raw = v / 5;
    double mag = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (m * mag >= raw) return m * mag;
    return 10 * mag;
}

std::string tick_label(double v, double step) {
    int decimals = 0;
    while (decimals < 6 && std::fabs(step * std::pow(10.0, decimals) - std::round(step * std::pow(10.0, decimals))) > 1e-9)
        decimals++;
    char b[32];
    std::snprintf(b, sizeof b, "%.*f", decimals, v);
    return b;
}

int text_width(const std::string& s, int size) { return static_cast<int>(s.size()) * kCharW * size; }

}  // namespace

ChartLayout layout_chart(const BarChart& c) {
    ChartLayout l;
    l.width = 960;
    l.height = 580;
    const int left = 120, right = l.width - 30, top = 100, bottom = l.height - 150;
    l.prims.push_back(rect(0, 0, l.width, l.height, 0xffffff));
    l.prims.push_back(text(l.width / 2, 36, c.title, 2, 0));
    if (!c.subtitle.empty()) l.prims.push_back(text(l.width / 2, 62, c.subtitle, 2, 0, kMuted));

    double vmax = 0;
    for (const auto& g : c.groups)
        for (double v : g.values) vmax = std::max(vmax, v);
    if (vmax <= 0) vmax = 1;
    double step = tick_step(vmax * 1.12);
    double ymax = std::ceil(vmax * 1.12 / step) * step;
    auto ypix = [&](double v) { return bottom - static_cast<int>(std::lround((bottom - top) * v / ymax)); };

    // Grid, ticks and the y axis label.
    for (double v = 0; v <= ymax * (1 + 1e-9); v += step) {
        int y = ypix(v);
        l.prims.push_back(line(left, y, right - left, 0, v == 0 ? kInk : kGrid));
        l.prims.push_back(line(left - 6, y, 6, 0, kInk));
        l.prims.push_back(text(left - 10, y + kCharH - 2, tick_label(v, step), 2, 1));
    }
    l.prims.push_back(line(left, top, 0, bottom - top, kInk));
    l.prims.push_back(text(34, (top + bottom) / 2, c.y_label, 2, 0, kInk, true));

    // Bars.
    size_t ng = std::max<size_t>(c.groups.size(), 1), ns = std::max<size_t>(c.series.size(), 1);
    int gw = (right - left) / static_cast<int>(ng);
    int bw = std::min(90, static_cast<int>(gw * 0.72) / static_cast<int>(ns));
    for (size_t gi = 0; gi < c.groups.size(); gi++) {
        const auto& g = c.groups[gi];
        int gx = left + static_cast<int>(gi) * gw;
        int x0 = gx + (gw - bw * static_cast<int>(ns)) / 2;
        for (size_t si = 0; si < g.values.size() && si < ns; si++) {
            int x = x0 + static_cast<int>(si) * bw;
            unsigned color = kSeriesColors[si % (sizeof kSeriesColors / sizeof kSeriesColors[0])];
            std::string label = si < g.labels.size() ? g.labels[si] : "";
            int size = text_width(label, 2) <= bw + 8 ? 2 : 1;
            if (g.values[si] < 0) {
                l.prims.push_back(text(x + bw / 2, bottom - 8, "n/a", 2, 0, kMuted));
                continue;
            }
            int y = ypix(g.values[si]);
            l.prims.push_back(rect(x + 3, y, bw - 6, bottom - y, color));
            l.prims.push_back(text(x + bw / 2, y - 6, label, size, 0));
        }
        // The group name on two lines: "pentium4" / "(2000 MHz)".
        std::string name = g.name, sub;
        size_t cut = name.find(" (");
        if (cut != std::string::npos) { sub = name.substr(cut + 1); name = name.substr(0, cut); }
        l.prims.push_back(text(gx + gw / 2, bottom + 28, name, 2, 0));
        if (!sub.empty()) l.prims.push_back(text(gx + gw / 2, bottom + 48, sub, 2, 0, kMuted));
    }
    l.prims.push_back(text((left + right) / 2, bottom + 82, c.x_label, 2, 0));

    // Legend.
    int lw = 0;
    for (const auto& s : c.series) lw += 26 + text_width(s, 2) + 30;
    int lx = (l.width - lw) / 2, ly = l.height - 30;
    for (size_t si = 0; si < c.series.size(); si++) {
        l.prims.push_back(rect(lx, ly - 16, 18, 18, kSeriesColors[si % (sizeof kSeriesColors / sizeof kSeriesColors[0])]));
        l.prims.push_back(text(lx + 26, ly, c.series[si], 2, -1));
        lx += 26 + text_width(c.series[si], 2) + 30;
    }
    return l;
}

}  // namespace gate386
