# Uses a "real" imerit_ango (tests/.../scripts/fake_site, on PYTHONPATH) whose ModelPlugin and run
# would end the process: the bridge must swap them out before this module-level code runs.
import imerit_ango
from imerit_ango.plugins import ModelPlugin, run


def run_model(data):
    return {"package": imerit_ango.__file__, "marker": imerit_ango.MARKER}


plugin = ModelPlugin(id="plugin-id", secret="plugin-secret", callback=run_model)
run(plugin, host="https://plugin.imerit.ango.ai")
