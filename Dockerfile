# ae4j serve: scores H2O deep-learning autoencoders over HTTP (native API, Open Inference
# Protocol v2 for KServe/Triton clients, MLflow/SageMaker /invocations).
#
#   docker build -t ae4j .
#   docker run -p 8080:8080 -v "$PWD/model.zip:/models/model.zip:ro" ae4j
#
# The model is mounted (or baked in by a derived image: COPY model.zip /models/) at /models:
# a directory holding exactly one MOJO .zip or POJO .java. Other options follow the image name,
# e.g. `docker run ... ae4j --model fraud=/models/fraud.zip --max-rows 50000`.
#
# The bases are build arguments (BUILD_BASE, RUNTIME_BASE; defaults from Docker Hub). The
# `prebuilt` target packages the portable CLI of dist/ (scripts/release.sh) and needs no
# compiler: scripts/build-image.sh builds it from a base it makes itself, without pulling:
#   docker build --target prebuilt --build-arg RUNTIME_BASE=... -t ae4j .
ARG BUILD_BASE=rust:1.89-slim-bookworm
ARG RUNTIME_BASE=debian:bookworm-slim

# The CLI built from source (the default image).
FROM ${BUILD_BASE} AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY rust ./rust
RUN cargo build --release --locked -p ae4j-cli \
    && install -m 0755 target/release/ae4j /usr/local/bin/ae4j

# What every image is: a non-root user, the port, the health check, the entry point.
FROM ${RUNTIME_BASE} AS runtime
# Any non-root uid works (OpenShift assigns one); the service writes no files.
USER 65532:65532
EXPOSE 8080
# bash's /dev/tcp: no curl or wget in the slim image.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["/usr/local/bin/ae4j", "serve", "--host", "0.0.0.0", "--port", "8080", "--log-format", "json"]
CMD ["--model", "/models"]

# The prebuilt portable CLI (glibc 2.17+) from dist/.
FROM runtime AS prebuilt
COPY dist/ae4j /usr/local/bin/ae4j

# The default target: the CLI built from source.
FROM runtime
COPY --from=build /usr/local/bin/ae4j /usr/local/bin/ae4j
