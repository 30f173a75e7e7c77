"""Shim of imerit_ango.sdk: the few SDK calls model plugins make, as plain HTTP with the stdlib.

The console sets ANGO_CONSOLE_API_HOST to the API host it is configured with (a local hub fixture,
say); it overrides the host the script passes, so a script debugged in the console talks to the
same hub as the console.
"""

import json
import os
import urllib.error
import urllib.parse
import urllib.request

DEFAULT_HOST = "https://imeritapi.ango.ai"
TIMEOUT_SECONDS = 60


class SDK:
    def __init__(self, api_key, host=DEFAULT_HOST):
        self.api_key = api_key
        self.host = (os.environ.get("ANGO_CONSOLE_API_HOST") or host or DEFAULT_HOST).rstrip("/")

    def _request(self, method, endpoint, params=None, body=None):
        url = self.host + endpoint
        if params:
            url += "?" + urllib.parse.urlencode(params)
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(url, data=data, method=method,
                                         headers={"apikey": self.api_key or "",
                                                  "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                text = response.read()
        except urllib.error.HTTPError as e:
            # Like the newest SDK: a non-2xx answer raises with the body text.
            raise Exception("%s %s: HTTP %d: %s" % (method, endpoint, e.code,
                                                    e.read().decode("utf-8", "replace")[:500]))
        except urllib.error.URLError as e:
            raise Exception("%s %s: cannot reach %s: %s" % (method, endpoint, self.host, e.reason))
        return json.loads(text) if text else None

    def get_assets(self, project_id, page=1, limit=10, filters=None, asset_id=None, external_id=None):
        params = {"page": page, "limit": limit}
        if filters:
            params["filters"] = json.dumps(filters)
        if asset_id is not None:
            params["_id"] = asset_id
        if external_id is not None:
            params["externalId"] = external_id
        return self._request("GET", "/v2/project/%s/assets" % project_id, params)

    def get_task(self, task_id):
        return self._request("GET", "/v2/task/%s" % task_id)

    def get_project(self, project_id):
        return self._request("GET", "/v2/project/%s" % project_id)

    def import_labels(self, project_id, labels):
        return self._request("POST", "/v2/import/labels", body={"project": project_id, "jsonContent": labels})

    def annotate_task(self, task_id, answer, send_to_next_stage=False):
        params = {"nextStage": "true" if send_to_next_stage else "false"}
        return self._request("POST", "/v2/annotate/%s" % task_id, params, {"answer": answer, "duration": 0})

    def _annotate(self, task_id, answer):
        return self.annotate_task(task_id, answer, send_to_next_stage=True)
