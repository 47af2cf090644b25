"""IMC402: calls that do file, network or process I/O, by what they do.

Keys are qualified names or ``fnmatch`` patterns on qualified names; values
name the effect, which the rule turns into the message. ``open`` is decided by
its mode. Path-like methods (``Path(...).read_text()``) are matched by method
name in the rule. A loader (``json.load``) whose file comes from a call that
is reported itself (``open()``) is not reported a second time.
"""

#: Qualified name or pattern -> effect.
IO_CALLS: dict[str, str] = {
    # Opening and reading files.
    "open": "open",
    "builtins.open": "open",
    "io.open": "open",
    "io.open_code": "read",
    "codecs.open": "open",
    "gzip.open": "open",
    "bz2.open": "open",
    "lzma.open": "open",
    "tarfile.open": "read",
    "zipfile.ZipFile": "read",
    "shelve.open": "read",
    "dbm.open": "read",
    "json.load": "load",
    "pickle.load": "load",
    "marshal.load": "load",
    "tomllib.load": "load",
    "tomli.load": "load",
    "plistlib.load": "load",
    # yaml.safe_load() and friends also parse strings: a file they read is
    # reported where it is opened.
    "pkgutil.get_data": "read",
    "importlib.resources.read_text": "read",
    "importlib.resources.read_binary": "read",
    "importlib.resources.open_text": "read",
    "importlib.resources.open_binary": "read",
    "numpy.load": "read",
    "numpy.loadtxt": "read",
    "numpy.genfromtxt": "read",
    "numpy.fromfile": "read",
    "pandas.read_*": "read",
    "joblib.load": "read",
    "torch.load": "read",
    "PIL.Image.open": "read",
    "django.template.loader.get_template": "template",
    "django.template.loader.select_template": "template",
    "django.template.loader.render_to_string": "template",
    # Directories.
    "os.listdir": "list",
    "os.scandir": "list",
    "os.walk": "list",
    "glob.glob": "list",
    "django.forms.FilePathField": "list",
    # Changes to the file system.
    "os.mkdir": "change",
    "os.makedirs": "change",
    "os.chmod": "change",
    "os.chown": "change",
    "os.lchown": "change",
    "os.remove": "change",
    "os.unlink": "change",
    "os.rmdir": "change",
    "os.removedirs": "change",
    "os.rename": "change",
    "os.renames": "change",
    "os.replace": "change",
    "os.symlink": "change",
    "os.link": "change",
    "os.truncate": "change",
    "os.utime": "change",
    "os.mkfifo": "change",
    "shutil.copy": "change",
    "shutil.copy2": "change",
    "shutil.copyfile": "change",
    "shutil.copyfileobj": "change",
    "shutil.copymode": "change",
    "shutil.copystat": "change",
    "shutil.copytree": "change",
    "shutil.rmtree": "change",
    "shutil.move": "change",
    "shutil.chown": "change",
    "shutil.make_archive": "change",
    "shutil.unpack_archive": "change",
    "tempfile.mkdtemp": "temporary",
    "tempfile.mkstemp": "temporary",
    "tempfile.TemporaryDirectory": "temporary",
    "tempfile.NamedTemporaryFile": "temporary",
    "tempfile.TemporaryFile": "temporary",
    # Searching: every directory on PATH is tried for the program.
    "shutil.which": "which",
    # Installed distributions: finding one lists every sys.path directory and
    # reads its metadata; entry_points() reads every distribution's (the scan
    # that makes pkg_resources slow to import, IMC102).
    "importlib.metadata.entry_points": "scan",
    "importlib.metadata.distributions": "scan",
    "importlib.metadata.packages_distributions": "scan",
    "importlib.metadata.version": "metadata",
    "importlib.metadata.metadata": "metadata",
    "importlib.metadata.distribution": "metadata",
    "importlib.metadata.requires": "metadata",
    "importlib.metadata.files": "metadata",
    "importlib.metadata.Distribution.from_name": "metadata",
    "importlib_metadata.entry_points": "scan",
    "importlib_metadata.distributions": "scan",
    "importlib_metadata.packages_distributions": "scan",
    "importlib_metadata.version": "metadata",
    "importlib_metadata.metadata": "metadata",
    "importlib_metadata.distribution": "metadata",
    "importlib_metadata.requires": "metadata",
    "importlib_metadata.files": "metadata",
    # Network.
    "urllib.request.urlopen": "network",
    "urllib.request.urlretrieve": "network",
    "urllib3.request": "network",
    "requests.request": "network",
    "requests.get": "network",
    "requests.post": "network",
    "requests.put": "network",
    "requests.patch": "network",
    "requests.delete": "network",
    "requests.head": "network",
    "requests.options": "network",
    "httpx.request": "network",
    "httpx.stream": "network",
    "httpx.get": "network",
    "httpx.post": "network",
    "httpx.put": "network",
    "httpx.patch": "network",
    "httpx.delete": "network",
    "httpx.head": "network",
    "httpx.options": "network",
    "socket.create_connection": "network",
    "socket.getaddrinfo": "network",
    "socket.gethostbyname": "network",
    "socket.gethostbyname_ex": "network",
    "socket.getfqdn": "network",
    # Processes.
    "subprocess.run": "process",
    "subprocess.call": "process",
    "subprocess.check_call": "process",
    "subprocess.check_output": "process",
    "subprocess.Popen": "process",
    "subprocess.getoutput": "process",
    "subprocess.getstatusoutput": "process",
    "os.system": "process",
    "os.popen": "process",
    "os.spawn*": "process",
    "os.posix_spawn": "process",
    "os.posix_spawnp": "process",
    # Waiting.
    "time.sleep": "sleep",
    "input": "input",
    "getpass.getpass": "input",
}

#: Methods of ``pathlib.Path`` (and ``importlib.resources`` traversables) that do I/O,
#: reported whatever the receiver: no other common type has methods of these names.
PATH_IO_METHODS: dict[str, str] = {
    "read_text": "read",
    "read_bytes": "read",
    "write_text": "write",
    "write_bytes": "write",
    "iterdir": "list",
    "rglob": "list",
    "mkdir": "change",
    "touch": "change",
    "symlink_to": "change",
    "hardlink_to": "change",
}
#: Path methods with common names, reported only on a receiver known to be a path.
PATH_ONLY_METHODS: dict[str, str] = {
    "open": "open",
    "glob": "list",
    "chmod": "change",
    "unlink": "change",
    "rmdir": "change",
    "rename": "change",
    "replace": "change",
}

#: Calls that return the installed entry points (iterated, selected or indexed:
#: ``entry_points(group="x")``, ``.select(...)``, ``[name]``), whose ``load()``
#: imports the object's module.
ENTRY_POINT_COLLECTIONS = frozenset({"importlib.metadata.entry_points", "importlib_metadata.entry_points"})
#: Methods of an entry point collection that return another collection.
ENTRY_POINT_SELECTORS = frozenset({"select"})

#: Calls that build a path without touching the file system.
PATH_CONSTRUCTORS = frozenset(
    {
        "pathlib.Path",
        "pathlib.PurePath",
        "pathlib.PosixPath",
        "pathlib.WindowsPath",
        "pathlib.Path.cwd",
        "pathlib.Path.home",
        "importlib.resources.files",
        "importlib_resources.files",
        "zipfile.Path",
    }
)
#: Qualified names that hold a path: Django's settings template makes BASE_DIR one.
PATH_NAMES = frozenset({"django.conf.settings.BASE_DIR"})
#: Path methods and attributes that return another path.
PATH_TO_PATH = frozenset(
    {"absolute", "expanduser", "joinpath", "parent", "relative_to", "resolve", "with_name", "with_stem", "with_suffix"}
)

#: Constructors whose instances read files with ``.read()``/``.read_file()``.
CONFIG_PARSERS = frozenset({"configparser.ConfigParser", "configparser.RawConfigParser"})
#: Constructors of HTTP sessions whose request methods go to the network.
HTTP_SESSIONS = frozenset({"requests.Session", "requests.session", "httpx.Client"})
HTTP_METHODS = frozenset({"request", "get", "post", "put", "patch", "delete", "head", "options", "stream"})
