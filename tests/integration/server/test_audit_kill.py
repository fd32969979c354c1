"""No acknowledged request loses its event when the server is killed (SIGKILL) under load: a write's
event commits with the change, every other event commits before the response is sent."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from tests.integration.server.audit_support import recorded_request_ids
from tests.integration.server.harness import start_server, unique


def test_kill_under_load_loses_no_acknowledged_event(tmp_path: Path) -> None:
    server = start_server(tmp_path, None, "sqlite")
    acknowledged: list[str] = []
    stop = threading.Event()
    lock = threading.Lock()
    try:
        iam = server.client("iam")
        denied_iam, _ = server.user_client("iam", None)

        def load(worker: int) -> None:
            n = 0
            while not stop.is_set():
                n += 1
                name = unique(f"kill{worker}")
                try:
                    if n % 3 == 0:
                        response = iam.list_users(MaxItems=5)
                    elif n % 3 == 1:
                        response = iam.create_user(UserName=name)
                    else:
                        response = denied_iam.get_user(UserName=name)
                    request_id = response["ResponseMetadata"]["RequestId"]
                except ClientError as error:
                    request_id = error.response["ResponseMetadata"]["RequestId"]
                except BotoCoreError:
                    return  # the server is gone: this request was never acknowledged
                with lock:
                    acknowledged.append(request_id)

        threads = [threading.Thread(target=load, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        time.sleep(3)
        server.process.kill()  # SIGKILL, mid-load
        server.process.wait()
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        stop.set()
        server.stop()
    assert len(acknowledged) > 50
    recorded = recorded_request_ids(server)
    missing = [request_id for request_id in acknowledged if recorded[request_id] != 1]
    assert missing == []
