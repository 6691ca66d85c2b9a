# -*- Python -*-

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "MEMOPT"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.memopt_obj_root, "test")

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

config.substitutions.append(("%shlibext", config.llvm_shlib_ext))
config.substitutions.append(("%memopt_libs", config.memopt_libs_dir))
config.substitutions.append(("%llvm_lib_dir", config.llvm_lib_dir))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(
    ("%modelgen",
     config.python_executable + " " +
     os.path.join(config.memopt_src_root, "utils", "modelgen",
                  "memopt-modelgen.py")))

# Lowering of bufferized IR to the LLVM dialect for mlir-runner; memopt's
# attributes go first, since the runner does not know the dialect.
config.substitutions.append(
    ("%lower_to_llvm",
     "--memopt-strip-annotations=all --convert-linalg-to-loops "
     "--convert-scf-to-cf --expand-strided-metadata --lower-affine "
     "--finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm "
     "--convert-func-to-llvm --convert-cf-to-llvm --reconcile-unrealized-casts"))

# The papers' models and instances live next to the repository; tests that
# read them are skipped where they are absent.
shared_dir = os.environ.get(
    "MEMOPT_SHARED_DIR",
    os.path.join(config.memopt_src_root, "..", "shared"))
if os.path.isdir(os.path.join(shared_dir, "models")):
    config.available_features.add("shared-data")
    config.substitutions.append(("%shared", os.path.abspath(shared_dir)))

# Built with MEMOPT_SANITIZE: LLVM's allocator, not instrumented, trips
# ASan's user poisoning (false use-after-poison), and the stock mlir-opt needs
# the runtimes preloaded to load the instrumented plugin.
mlir_opt = os.path.join(config.llvm_tools_dir, "mlir-opt")
if config.memopt_sanitize:
    config.environment["ASAN_OPTIONS"] = "allow_user_poisoning=0"
    config.environment["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
    if config.sanitizer_preload:
        mlir_opt = "env LD_PRELOAD=%s %s" % (config.sanitizer_preload, mlir_opt)

config.substitutions.append(("%mlir_opt", mlir_opt))

tool_dirs = [config.memopt_tools_dir, config.llvm_tools_dir]
tools = [
    "memopt-opt",
    "memopt-remat-bench",
    # The JIT runner (the stock host of the plugin is %mlir_opt above).
    ToolSubst("%mlir_runner", os.path.join(config.llvm_tools_dir, "mlir-runner")),
]
llvm_config.add_tool_substitutions(tools, tool_dirs)
