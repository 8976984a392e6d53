"""Builds socval._core with CMake (the project's one build description) and places it in the package."""
import os
import pathlib
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

ROOT = pathlib.Path(__file__).parent.resolve()


class CMakeBuild(build_ext):
    """Configure once into a persistent folder, then build only the extension target."""

    def build_extension(self, ext):
        build_dir = pathlib.Path(os.environ.get("SOCVAL_BUILD_DIR", ROOT / "build" / "cmake"))
        subprocess.check_call(["cmake", "-S", str(ROOT), "-B", str(build_dir), "-G", "Ninja",
                               f"-DPython_EXECUTABLE={sys.executable}"])
        subprocess.check_call(["cmake", "--build", str(build_dir), "--target", "_core"])
        built = next((ROOT / "python" / "socval").glob("_core*.so"))
        dest = pathlib.Path(self.get_ext_fullpath(ext.name))
        if dest.resolve() != built.resolve():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(built, dest)


def copy_shipped(package_dir):
    """Copy the example scenarios (scenarios/) and the value library (data/) into socval/examples of a built
    package, where socval.examples.scenarios_dir() and data_dir() look first."""
    examples = pathlib.Path(package_dir) / "socval" / "examples"
    for source, name in ((ROOT / "scenarios", "scenarios"), (ROOT / "data", "data")):
        target = examples / name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source, target)
    return examples


class BuildPyWithData(build_py):
    """build_py, then the shipped scenarios and value library into the package (wheels and plain installs)."""

    def run(self):
        super().run()
        copy_shipped(self.build_lib)


setup(ext_modules=[Extension("socval._core", sources=[])],
      cmdclass={"build_ext": CMakeBuild, "build_py": BuildPyWithData})
