"""Builds socval._core with CMake (the project's one build description) and places it in the package."""
import os
import pathlib
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

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


setup(ext_modules=[Extension("socval._core", sources=[])], cmdclass={"build_ext": CMakeBuild})
