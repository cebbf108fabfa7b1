#include "vdso/vdso_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace gate386 {

void write_vdso_file(const VdsoImage& image, const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) throw std::runtime_error("write_vdso_file: cannot open " + path + ": " + std::strerror(errno));
    size_t written = std::fwrite(image.bytes.data(), 1, image.bytes.size(), f);
    bool ok = written == image.bytes.size();
    ok = (std::fclose(f) == 0) && ok;
    if (!ok) throw std::runtime_error("write_vdso_file: short write to " + path);
}

}  // namespace gate386
