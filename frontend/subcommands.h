// Subcommands of the gate386 executable besides running a program.
#pragma once
#include "core/options.h"

namespace gate386 {

struct Process;

int run_vdso_command(int argc, char** argv, Options opts);   // gate386 vdso ...
int run_demo_command(int argc, char** argv, const Options& opts);   // gate386 demo
int run_models_command(int argc, char** argv, const Options& opts);   // gate386 models
int run_compare_command(int argc, char** argv, const Options& opts);  // gate386 compare
// Applies --cpu/--cpu-file to a process's identity; prints a one-line error and returns false
// for an unknown model.
bool apply_cpu_model(Process& p);

}  // namespace gate386
