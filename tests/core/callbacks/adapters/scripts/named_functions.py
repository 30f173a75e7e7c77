# No ModelPlugin at all: the console is told which function to call (python:PATH:FUNCTION).


def first_model(data):
    return {"model": "first"}


def second_model(data):
    return {"model": "second", "project": data["projectId"]}
