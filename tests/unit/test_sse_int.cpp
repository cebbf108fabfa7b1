// Integer SIMD (MMX and the SSE/SSE2 forms) executed by gate386 and natively on the same bytes
// and inputs; also the MMX aliasing of the x87 registers (TOP, tags, exponent bits) as FNSTENV
// and FNSAVE show it.
//
// Input layout (%ebx-relative): 0 A (16 bytes), 16 B (16 bytes), 32 GPR input. Outputs from 256.
#include "tests/unit/fpu_test_util.h"

using namespace fputest;

namespace {

// Inputs that hit the saturation and sign boundaries often.
void random_inputs(const FpuCase& c, unsigned n = 300, std::initializer_list<Ignore> ignore = {}) {
    static const uint8_t edge[] = {0x00, 0x01, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x40};
    uint64_t s = 0x9e3779b97f4a7c15ull;
    int failures = 0;
    for (unsigned k = 0; k < n; k++) {
        uint8_t in[48];
        for (uint8_t& b : in) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            unsigned r = unsigned(s >> 33);
            b = (r & 3) == 0 ? edge[(r >> 2) & 7] : uint8_t(r >> 8);
        }
        if (k % 16 == 0) std::memset(in + 16, 0, 8);          // small shift counts
        if (k % 16 == 1) { std::memset(in + 16, 0, 8); in[16] = uint8_t(k & 0x3f); }
        if (!compare(c, in, sizeof in, ignore) && ++failures > 5) return;
    }
}

}  // namespace

#define XPRE "movups (%ebx), %xmm0\n movups 16(%ebx), %xmm1\n movaps %xmm0, %xmm2\n "
#define MPRE "movq (%ebx), %mm0\n movq 8(%ebx), %mm2\n movq 24(%ebx), %mm1\n "
#define XPOST "\n movups %xmm0, 256(%ebx)\n movups %xmm2, 272(%ebx)"
#define MPOST "\n movq %mm0, 288(%ebx)\n movq %mm2, 296(%ebx)\n fnstenv 320(%ebx)\n fnsave 352(%ebx)"

#define INT_OP(op)                                                                                \
    FPU_CASE(op##_x, XPRE #op " %xmm1, %xmm0\n " #op " 16(%ebx), %xmm2" XPOST)                   \
    FPU_CASE(op##_m, MPRE #op " 16(%ebx), %mm0\n " #op " %mm1, %mm2" MPOST)                       \
    TEST_CASE("SIMD " #op " on XMM and MMX registers matches the host") {                         \
        random_inputs(case_##op##_x);                                                             \
        random_inputs(case_##op##_m);                                                             \
    }
INT_OP(paddb) INT_OP(paddw) INT_OP(paddd) INT_OP(paddq) INT_OP(paddsb) INT_OP(paddsw)
INT_OP(paddusb) INT_OP(paddusw) INT_OP(psubb) INT_OP(psubw) INT_OP(psubd) INT_OP(psubq)
INT_OP(psubsb) INT_OP(psubsw) INT_OP(psubusb) INT_OP(psubusw) INT_OP(pcmpeqb) INT_OP(pcmpeqw)
INT_OP(pcmpeqd) INT_OP(pcmpgtb) INT_OP(pcmpgtw) INT_OP(pcmpgtd) INT_OP(pmullw) INT_OP(pmulhw)
INT_OP(pmulhuw) INT_OP(pmaddwd) INT_OP(pmuludq) INT_OP(pand) INT_OP(pandn) INT_OP(por) INT_OP(pxor)
INT_OP(pavgb) INT_OP(pavgw) INT_OP(pminub) INT_OP(pmaxub) INT_OP(pminsw) INT_OP(pmaxsw)
INT_OP(psadbw) INT_OP(psllw) INT_OP(pslld) INT_OP(psllq) INT_OP(psrlw) INT_OP(psrld) INT_OP(psrlq)
INT_OP(psraw) INT_OP(psrad) INT_OP(packsswb) INT_OP(packssdw) INT_OP(packuswb) INT_OP(punpcklbw)
INT_OP(punpcklwd) INT_OP(punpckldq) INT_OP(punpckhbw) INT_OP(punpckhwd) INT_OP(punpckhdq)

FPU_CASE(qdq, XPRE "punpcklqdq %xmm1, %xmm0\n punpckhqdq 16(%ebx), %xmm2" XPOST)
FPU_CASE(shift_imm, XPRE "psllw $3, %xmm0\n psrad $31, %xmm1\n psrlq $63, %xmm2\n pslldq $5, %xmm0\n"
                    " psrldq $17, %xmm1\n movups %xmm1, 288(%ebx)\n movdqa %xmm2, %xmm3\n psrldq $7, %xmm3\n"
                    " movdqu %xmm3, 304(%ebx)\n pslld $33, %xmm2\n movq (%ebx), %mm3\n psraw $5, %mm3\n"
                    " psllq $40, %mm3\n movq %mm3, 320(%ebx)\n psrlw $16, %mm3\n movq %mm3, 328(%ebx)\n emms" XPOST)
FPU_CASE(shuffles, XPRE "pshufd $0x1b, %xmm1, %xmm0\n pshuflw $0x39, 16(%ebx), %xmm2\n pshufhw $0xe4, %xmm0, %xmm3\n"
                   " movdqu %xmm3, 288(%ebx)\n pshufw $0x72, 8(%ebx), %mm1\n movq %mm1, 304(%ebx)\n"
                   " pshufw $0x8d, %mm1, %mm2\n movq %mm2, 312(%ebx)\n pextrw $5, %xmm1, %eax\n mov %eax, 320(%ebx)\n"
                   " pextrw $2, %mm2, %eax\n mov %eax, 324(%ebx)\n pinsrw $6, 32(%ebx), %xmm1\n movdqu %xmm1, 336(%ebx)\n"
                   " mov 20(%ebx), %eax\n pinsrw $9, %eax, %xmm1\n movdqu %xmm1, 352(%ebx)\n pinsrw $1, %eax, %mm2\n"
                   " movq %mm2, 368(%ebx)\n pinsrw $3, 34(%ebx), %mm2\n movq %mm2, 376(%ebx)\n"
                   " pmovmskb %xmm1, %eax\n mov %eax, 384(%ebx)\n pmovmskb %mm2, %eax\n mov %eax, 388(%ebx)\n"
                   " fnstenv 400(%ebx)\n emms" XPOST)
FPU_CASE(mmx_moves, "movd 4(%ebx), %mm0\n movq %mm0, 256(%ebx)\n mov 16(%ebx), %eax\n movd %eax, %mm1\n"
                    " movq %mm1, 264(%ebx)\n movd %mm0, %ecx\n mov %ecx, 272(%ebx)\n movd %mm1, 276(%ebx)\n"
                    " movq 8(%ebx), %mm2\n movq %mm2, %mm3\n movq %mm3, 280(%ebx)\n movntq %mm3, 288(%ebx)\n"
                    " movups (%ebx), %xmm0\n movdq2q %xmm0, %mm4\n movq2dq %mm2, %xmm1\n movq %mm4, 296(%ebx)\n"
                    " movups %xmm1, 304(%ebx)\n lea 320(%ebx), %edi\n maskmovq %mm2, %mm0\n lea 336(%ebx), %edi\n"
                    " movups 16(%ebx), %xmm2\n maskmovdqu %xmm2, %xmm0\n fnstenv 352(%ebx)\n fnsave 384(%ebx)\n"
                    " fldpi\n movq %mm0, %mm5\n fnstenv 496(%ebx)\n emms\n fnstenv 528(%ebx)")
TEST_CASE("SIMD shifts by immediates, QDQ unpacks, shuffles, word moves and MMX moves") {
    random_inputs(case_qdq);
    random_inputs(case_shift_imm);
    random_inputs(case_shuffles);
    // The FNSTENVs after FLDPI hold its host or guest address and selectors.
    random_inputs(case_mmx_moves, 300, {{508, 4}, {512, 2}, {516, 4}, {520, 2}, {540, 4}, {544, 2}, {548, 4}, {552, 2}});
}

// An x87 value, then MMX use, then x87 again without EMMS: the register stack is full (all tags
// valid, TOP 0), so the next push overflows as on hardware.
FPU_CASE(mmx_x87_mix, "fldt (%ebx)\n fld1\n movq 16(%ebx), %mm1\n paddb %mm1, %mm1\n fnstenv 256(%ebx)\n"
                      " fld1\n fnstsw 288(%ebx)\n fnsave 320(%ebx)\n fldt (%ebx)\n movq %mm7, 440(%ebx)\n"
                      " emms\n fldt 16(%ebx)\n fnstsw 448(%ebx)\n fstpt 464(%ebx)\n fldz\n fld1\n emms\n"
                      " fnstsw 450(%ebx)")
TEST_CASE("MMX instructions share the x87 registers, TOP and tags") {
    random_inputs(case_mmx_x87_mix, 40, {{268, 4}, {272, 2}, {276, 4}, {280, 2}, {332, 4}, {336, 2}, {340, 4}, {344, 2}});
}
