# Cases for IMC301 import-time-client: network and service clients built at import time.
# flake8-options: --import-cost-threshold-ms=1000000 --import-cost-heavy-callables=acme.sdk.*Client,payments.connect
import ftplib
import functools
import multiprocessing
import re
import smtplib
import threading
from concurrent.futures import ThreadPoolExecutor

import anthropic
import boto3
import boto3 as b
import celery
import django
import docker
import grpc
import httpx
import kubernetes
import logging
import openai
import pymongo
import redis
import requests
import sentry_sdk
from acme.sdk import BillingClient, Helper
from azure.storage.blob import BlobServiceClient
from boto3 import client
from django.core.management import call_command
from elasticsearch import Elasticsearch
from google.cloud import storage
from kafka import KafkaProducer
from payments import connect

S3 = boto3.client("s3")  # IMC301:6 "boto3.client() builds a client at import time (loads service models and reads AWS config files); create it on first use (functools.cache)"
ALIASED = b.resource("dynamodb")  # IMC301 "boto3.resource()"
FROM_IMPORT = client("sqs")  # IMC301 "boto3.client()"
SESSION = boto3.Session(profile_name="x")  # IMC301 "boto3.Session() builds a client"
BUCKETS = storage.Client()  # IMC301 "google.cloud.storage.Client()" "credentials"
BLOBS = BlobServiceClient.from_connection_string("x")  # IMC301 "from_connection_string()"
MONGO = pymongo.MongoClient("mongodb://localhost")  # IMC301 "starts background threads"
SEARCH = Elasticsearch("http://localhost:9200")  # IMC301 "elasticsearch.Elasticsearch() builds a client"
MAIL = smtplib.SMTP("smtp.example.com")  # IMC301 "connects to the server"
FTP = ftplib.FTP("ftp.example.com")  # IMC301 "ftplib.FTP() builds a client"
CHANNEL = grpc.insecure_channel("localhost:50051")  # IMC301 "grpc.insecure_channel()"
PRODUCER = KafkaProducer(bootstrap_servers="localhost")  # IMC301 "kafka.KafkaProducer() builds a client"
DOCKER = docker.from_env()  # IMC301 "docker.from_env() builds a client"
kubernetes.config.load_kube_config()  # IMC301 "kubernetes.config.load_kube_config()"
OPENAI = openai.OpenAI()  # IMC301 "openai.OpenAI() builds a client"
CLAUDE = anthropic.Anthropic()  # IMC301 "anthropic.Anthropic() builds a client"
BILLING = BillingClient()  # IMC301 "acme.sdk.BillingClient()" "listed in import-cost-heavy-callables"
PAYMENTS = connect("token")  # IMC301 "payments.connect()"


# -- heavy library work -----------------------------------------------------------------------

django.setup()  # IMC301 "django.setup() imports every installed application and its models, and configures logging at import time; leave it to the program's entry point"
call_command("collectstatic", interactive=False)  # IMC301 "django.core.management.call_command() runs a management command at import time"
POOL = multiprocessing.Pool(4)  # IMC301 "multiprocessing.Pool() starts its worker processes at import time; create it on first use (functools.cache)"
MANAGER = multiprocessing.Manager()  # IMC301 "starts a server process"
threading.Thread(target=print, daemon=True).start()  # IMC301 "threading.Thread(...).start() starts a thread at import time; start it from the code that needs it"
WATCHER = threading.Thread(target=print)
WATCHER.start()  # IMC301 "WATCHER.start() starts a thread"
CHILD = multiprocessing.Process(target=print)
CHILD.start()  # IMC301 "CHILD.start() starts a process"


class Heartbeat(threading.Thread):
    def run(self):
        pass


class OwnStart:
    def start(self):
        return None


Heartbeat().start()  # IMC301 "Heartbeat(...).start() starts a thread"

# -- threads and processes built but not started, and other start() methods ----------------

IDLE = threading.Thread(target=print)
LATER = threading.Timer(5.0, print)
LATER.cancel()
NOT_STARTED = multiprocessing.Process(target=print)
EXECUTOR = ThreadPoolExecutor(max_workers=4)
MATCH_START = re.match("a", "abc").start()
OwnStart().start()
sentry_sdk.init(dsn="https://key@example.ingest.sentry.io/1")  # SPEC: an application needs it at start


class Storage:
    BUCKET = boto3.resource("s3").Bucket("media")  # IMC301 "boto3.resource() builds a client"


# -- cheap or lazy constructors ------------------------------------------------------------------

HTTP = requests.Session()
ASYNC_HTTP = httpx.Client()
CACHE = redis.Redis(host="localhost")
APP = celery.Celery("app")
LOGGER = logging.getLogger(__name__)
sentry_sdk.init(dsn="")
UNCONNECTED_SMTP = smtplib.SMTP()
UNCONNECTED_FTP = ftplib.FTP()
HELPER = Helper()
CLIENT_FACTORY = boto3.client

# -- clients built on first use ------------------------------------------------------------------


@functools.cache
def s3():
    return boto3.client("s3")


def mongo():
    return pymongo.MongoClient()


def upload(data):
    s3().put_object(Body=data)


LAZY_CLIENT = lambda: boto3.client("s3")  # noqa: E731


def start_workers():
    threading.Thread(target=print).start()
    call_command("check")
    return multiprocessing.Pool()


if __name__ == "__main__":
    django.setup()
    WATCHER.start()


def make_clients():
    return {"s3": boto3.client("s3")}


CLIENTS = make_clients()  # IMC301 "(in make_clients(), called at import time)"


class ClientFactory:
    def create(self):
        return boto3.client("s3")


FACTORY = ClientFactory()
FACTORY_CLIENT = ClientFactory().create()  # IMC301 "boto3.client()" "(in ClientFactory.create(), called at import time)"
NAMED_FACTORY_CLIENT = FACTORY.create()  # IMC301 "(in ClientFactory.create(), called at import time)"


def client_later():
    return FACTORY.create()


# -- an Airflow @task body runs in a worker: calling the task in a DAG builds no client -------

from airflow.decorators import dag, task
from airflow.models.dag import DAG


@task
def upload_report():
    boto3.client("s3").upload_file("report.csv", "bucket", "report.csv")
    threading.Thread(target=print).start()


@dag
def client_now():
    return boto3.client("s3")


with DAG("reports"):
    upload_report()

client_now()  # IMC301 "boto3.client()" "(in client_now(), called at import time)"
