#include "vdso/vdso_image.h"

#include <algorithm>
#include <stdexcept>

#include "vdso/vdso_elf.h"
#include "vdso/vdso_text.h"

namespace gate386 {

VdsoImage build_vdso_image(VdsoVariant variant, VdsoLayout layout) {
    vdso_detail::TextSection text = vdso_detail::build_text(variant, layout);
    const VdsoSymbol* vsyscall = nullptr;
    for (const VdsoSymbol& s : text.symbols)
        if (s.name == "__kernel_vsyscall") vsyscall = &s;
    if (!vsyscall) throw std::logic_error("no __kernel_vsyscall");

    VdsoImage image;
    image.base = kVdsoBase;
    image.entry = vsyscall->address;
    image.sysenter_return = text.sysenter_return;
    image.restart_jmp = text.restart;
    image.bytes = vdso_detail::build_elf_page(text, image.entry);
    image.symbols = text.symbols;
    std::sort(image.symbols.begin(), image.symbols.end(),
              [](const VdsoSymbol& a, const VdsoSymbol& b) { return a.address < b.address; });
    return image;
}

const VdsoSymbol* find_symbol(const VdsoImage& image, std::string_view name) {
    for (const VdsoSymbol& s : image.symbols)
        if (s.name == name) return &s;
    return nullptr;
}

}  // namespace gate386
