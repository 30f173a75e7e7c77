# A syntax error on line 3.

def run_model(data)
    return {}
