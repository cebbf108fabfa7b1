// The modelled-cost part of --stats: cycles by category, modelled time, system calls by name and
// gate (syscalls/gate_costs.h keeps the numbers).
#pragma once
#include <cstdio>
#include <string>

namespace gate386 {

struct Process;
void print_model_stats(const Process& p, FILE* out);
std::string model_stats_json(const Process& p);   // a JSON object

}  // namespace gate386
