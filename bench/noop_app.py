"""The reference for bench/gateway_throughput.py: a FastAPI POST that reads the JSON body and does nothing.

Same stack as the gateway (FastAPI on uvicorn, one worker), so the ratio is what Kafka costs.
Run by the benchmark as `python bench/noop_app.py PORT`.
"""

import sys

import uvicorn
from fastapi import FastAPI, Request

app = FastAPI()


@app.post("/v2/{stream}")
async def accept(stream: str, request: Request) -> dict:
    await request.json()
    return {"stream": stream, "records": []}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", server_header=False)
