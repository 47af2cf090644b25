"""A version-control helper: its class runs a process when it is built."""

import subprocess
import sys


class Git:
    def __init__(self):
        self.program = sys.executable
        self.root = subprocess.run([self.program, "-c", "print('root')"], capture_output=True, text=True).stdout

    def describe(self):
        return subprocess.run([self.program, "-c", "print('v1')"], capture_output=True, text=True).stdout.strip()
