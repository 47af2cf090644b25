"""IMC102: deprecated, heavy modules and what to use instead of their names.

Each module entry says why the module is a problem; each name entry maps an
importable name (``module.name``) to its stdlib or ``packaging`` replacement.
"""

#: Top-level module -> why importing it is a problem.
DEPRECATED_MODULES: dict[str, str] = {
    "distutils": "distutils was removed in Python 3.12 and is slow to import",
    "pkg_resources": "pkg_resources is deprecated and scans every installed distribution at import",
    "imp": "imp was removed in Python 3.12",
}

#: Qualified name -> replacement, as shown in the message.
REPLACEMENTS: dict[str, str] = {
    # distutils
    "distutils.util.strtobool": "a local helper",
    "distutils.version.LooseVersion": "packaging.version.Version",
    "distutils.version.StrictVersion": "packaging.version.Version",
    "distutils.spawn.find_executable": "shutil.which",
    "distutils.spawn.spawn": "subprocess.run",
    "distutils.dir_util.copy_tree": "shutil.copytree(..., dirs_exist_ok=True)",
    "distutils.dir_util.mkpath": "os.makedirs(..., exist_ok=True)",
    "distutils.dir_util.remove_tree": "shutil.rmtree",
    "distutils.file_util.copy_file": "shutil.copy2",
    "distutils.file_util.move_file": "shutil.move",
    "distutils.sysconfig.get_python_lib": 'sysconfig.get_paths()["purelib"]',
    "distutils.sysconfig.get_python_inc": 'sysconfig.get_paths()["include"]',
    "distutils.sysconfig.get_config_var": "sysconfig.get_config_var",
    "distutils.sysconfig.get_config_vars": "sysconfig.get_config_vars",
    "distutils.core.setup": "setuptools.setup",
    "distutils.core.Extension": "setuptools.Extension",
    "distutils.core.Command": "setuptools.Command",
    "distutils.log": "logging",
    "distutils.errors.DistutilsError": "setuptools.errors",
    "distutils.util.get_platform": "sysconfig.get_platform",
    # pkg_resources
    "pkg_resources.get_distribution": "importlib.metadata.version() or distribution()",
    "pkg_resources.require": "importlib.metadata.distribution",
    "pkg_resources.resource_filename": "importlib.resources.files",
    "pkg_resources.resource_string": "importlib.resources.files(...).joinpath(...).read_bytes",
    "pkg_resources.resource_stream": "importlib.resources.files(...).joinpath(...).open",
    "pkg_resources.resource_exists": "importlib.resources.files(...).joinpath(...).exists",
    "pkg_resources.resource_listdir": "importlib.resources.files(...).iterdir",
    "pkg_resources.resource_isdir": "importlib.resources.files(...).joinpath(...).is_dir",
    "pkg_resources.iter_entry_points": "importlib.metadata.entry_points",
    "pkg_resources.parse_version": "packaging.version.parse",
    "pkg_resources.parse_requirements": "packaging.requirements.Requirement",
    "pkg_resources.Requirement": "packaging.requirements.Requirement",
    "pkg_resources.DistributionNotFound": "importlib.metadata.PackageNotFoundError",
    "pkg_resources.working_set": "importlib.metadata.distributions",
    "pkg_resources.declare_namespace": "a native namespace package (PEP 420)",
    # imp
    "imp.reload": "importlib.reload",
    "imp.load_source": "importlib.util.spec_from_file_location",
    "imp.load_module": "importlib.import_module",
    "imp.find_module": "importlib.util.find_spec",
    "imp.new_module": "types.ModuleType",
    "imp.get_suffixes": "importlib.machinery.all_suffixes",
    "imp.cache_from_source": "importlib.util.cache_from_source",
    "imp.source_from_cache": "importlib.util.source_from_cache",
    "imp.get_magic": "importlib.util.MAGIC_NUMBER",
    "imp.is_builtin": "sys.builtin_module_names",
}

#: What to use instead of the module as a whole, when no imported name is known.
MODULE_REPLACEMENTS: dict[str, str] = {
    "distutils": "setuptools, shutil, sysconfig or packaging",
    "pkg_resources": "importlib.metadata and importlib.resources",
    "imp": "importlib",
}
