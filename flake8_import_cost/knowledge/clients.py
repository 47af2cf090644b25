"""IMC301: constructors of network and service clients that are heavy to build.

Each entry maps a qualified name, or an ``fnmatch`` pattern on qualified names,
to what building the object does: the side effect that makes it slow (it
connects, starts threads, reads files, loads service models) as the message
shows it. The reasons are documented in ``docs/rules/IMC301.md``.

Cheap or lazy constructors are deliberately absent: ``requests.Session()``,
``httpx.Client()``, ``redis.Redis()`` (connects on first command),
``celery.Celery()``, ``logging.getLogger()``, ``sentry_sdk.init()``.
"""

#: What building the client does, keyed by the kind of side effect.
_SERVICE_MODELS = "loads service models and reads AWS config files"
_CREDENTIALS = "looks up credentials: reads files and may ask the metadata server"
_CONNECTS = "connects to the server"
_THREADS = "starts background threads and connects to the servers"

#: Qualified name or pattern -> what building it does.
HEAVY_CLIENTS: dict[str, str] = {
    # AWS: botocore reads ~/.aws/config and credentials, then loads and parses
    # the service's JSON model (megabytes for EC2) for every client.
    "boto3.client": _SERVICE_MODELS,
    "boto3.resource": _SERVICE_MODELS,
    "boto3.Session": "reads AWS config and credential files",
    "boto3.session.Session": "reads AWS config and credential files",
    "botocore.session.get_session": "reads AWS config files and builds the data loader",
    "aioboto3.Session": "reads AWS config and credential files",
    # Google Cloud: every client runs google.auth.default(), which reads the
    # credentials file or asks the GCE metadata server over the network.
    "google.cloud.*Client": _CREDENTIALS,
    "google.auth.default": _CREDENTIALS,
    "googleapiclient.discovery.build": "loads the API discovery document and looks up credentials",
    "firebase_admin.initialize_app": "reads the service-account credentials",
    # Azure: builds the HTTP pipeline and credential chain; from_connection_string parses and builds it too.
    "azure.*ServiceClient": "builds the HTTP pipeline and credential chain",
    "azure.*ServiceClient.from_connection_string": "builds the HTTP pipeline and credential chain",
    # Databases and search engines that connect or start threads when built.
    "pymongo.MongoClient": _THREADS,
    "pymongo.mongo_client.MongoClient": _THREADS,
    "motor.motor_asyncio.AsyncIOMotorClient": _THREADS,
    "elasticsearch.Elasticsearch": "builds its transport and connection pools",
    "opensearchpy.OpenSearch": "builds its transport and connection pools",
    "psycopg_pool.ConnectionPool": "opens its minimum number of connections in background threads",
    "psycopg2.pool.SimpleConnectionPool": "opens its minimum number of connections",
    "psycopg2.pool.ThreadedConnectionPool": "opens its minimum number of connections",
    # Mail, file transfer and shells: connect in the constructor when given a host.
    "smtplib.SMTP": _CONNECTS,
    "smtplib.SMTP_SSL": _CONNECTS,
    "smtplib.LMTP": _CONNECTS,
    "ftplib.FTP": "connects and logs in to the server",
    "ftplib.FTP_TLS": "connects and logs in to the server",
    "paramiko.SSHClient": "sets up an SSH session that import-time code then connects",
    # RPC and message brokers.
    "grpc.*_channel": "starts gRPC's core and its polling threads",
    "grpc.aio.*_channel": "starts gRPC's core and its polling threads",
    "kafka.KafkaProducer": "connects to the brokers for metadata and starts an I/O thread",
    "kafka.KafkaConsumer": "connects to the brokers for metadata",
    "confluent_kafka.Producer": "starts librdkafka's threads and connects to the brokers",
    "confluent_kafka.Consumer": "starts librdkafka's threads and connects to the brokers",
    "pika.BlockingConnection": "connects to the broker",
    # Containers and clusters.
    "docker.from_env": "reads the environment and asks the Docker daemon for its API version",
    "docker.DockerClient": "asks the Docker daemon for its API version",
    "kubernetes.config.load_kube_config": "reads and parses the kubeconfig file",
    "kubernetes.config.load_incluster_config": "reads the service-account token and CA files",
    # API SDKs that build an HTTP client with an SSL context (loading the CA bundle).
    "openai.OpenAI": "builds an HTTP client and loads the CA certificates",
    "openai.AsyncOpenAI": "builds an HTTP client and loads the CA certificates",
    "openai.AzureOpenAI": "builds an HTTP client and loads the CA certificates",
    "anthropic.Anthropic": "builds an HTTP client and loads the CA certificates",
    "anthropic.AsyncAnthropic": "builds an HTTP client and loads the CA certificates",
    "dropbox.Dropbox": "builds an HTTP session and loads the CA certificates",
    "hvac.Client": "builds an HTTP session and reads the ~/.vault-token file",
}

#: Calls that do heavy work of another kind: qualified name -> (what calling it
#: does, what to do instead). Absent on purpose: ``sentry_sdk.init()`` (SPEC
#: §3: an application needs it at start), ``concurrent.futures`` executors
#: (they start their workers on the first ``submit()``).
HEAVY_CALLS: dict[str, tuple[str, str]] = {
    "django.setup": (
        "imports every installed application and its models, and configures logging",
        "leave it to the program's entry point (manage.py, wsgi.py, a command's main())",
    ),
    "django.core.management.call_command": (
        "runs a management command",
        "run it from the code that needs it, not at import",
    ),
    "multiprocessing.Pool": ("starts its worker processes", "create it on first use (functools.cache)"),
    "multiprocessing.pool.Pool": ("starts its worker processes", "create it on first use (functools.cache)"),
    "multiprocessing.pool.ThreadPool": ("starts its worker threads", "create it on first use (functools.cache)"),
    "multiprocessing.dummy.Pool": ("starts its worker threads", "create it on first use (functools.cache)"),
    "multiprocessing.Manager": ("starts a server process", "create it on first use (functools.cache)"),
}

#: Heavy calls that a program's entry point makes on purpose: silent in a module
#: one of the project's console scripts runs, and in ``manage.py``, ``wsgi.py``,
#: ``asgi.py`` and ``__main__.py``.
ENTRY_POINT_CALLS = frozenset({"django.setup"})
#: Files that are a program's entry point by convention.
ENTRY_POINT_FILES = frozenset({"manage.py", "wsgi.py", "asgi.py", "__main__.py"})
#: The entry points that a server imports to start each worker: what their
#: import-time calls do in the project's other modules is that start-up's cost.
SERVED_FILES = frozenset({"wsgi.py", "asgi.py"})

#: Classes whose ``start()`` starts a thread or a process: qualified name -> what ``start()`` does.
STARTED_BY_START: dict[str, str] = {
    "threading.Thread": "starts a thread",
    "threading.Timer": "starts a timer thread",
    "multiprocessing.Process": "starts a process",
    "multiprocessing.context.Process": "starts a process",
}
#: What to do instead of starting a thread or a process at import.
START_ADVICE = "start it from the code that needs it (an app's ready(), a command's main())"

#: Constructors that connect only when given a host (first argument or ``host=``).
CONNECT_WITH_HOST = frozenset({"smtplib.SMTP", "smtplib.SMTP_SSL", "smtplib.LMTP", "ftplib.FTP", "ftplib.FTP_TLS"})
