# The HTTP ingestion gateway (seed 004): the course's API Gateway + Firehose, locally. Included by
# the main Makefile, which defines PY (the venv's python), LAB (the streamlab CLI), STAMP and ARGS.

.PHONY: gateway connect-streams gateway-openapi

gateway: $(STAMP) ## HTTP gateway on lab.yaml's port (8088): POST /v2/{stream} puts JSON into topic {stream}
	@$(CLI) gateway $(ARGS)

connect-streams: $(STAMP) ## register connectors/s3-sink-streams.json: each gateway stream -> streams/<stream>/year=/.../hour=/
	@$(CLI) connect register connectors/s3-sink-streams.json

gateway-openapi: $(STAMP) ## rewrite gateway/openapi.json from the app (commit it; a test fails when it drifts)
	@$(PY) -m streamlab.gateway.spec gateway/openapi.json
