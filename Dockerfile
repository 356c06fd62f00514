# Builds salesctl and ships it with the schema files and its resource bundle (the metric
# families' statements, which salesctl finds next to itself); curl is there for the API's
# health check.
FROM swift:6.2-bookworm AS build
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libpq-dev pkg-config && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product salesctl --static-swift-stdlib

FROM debian:bookworm-slim
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libpq5 ca-certificates tzdata curl && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/.build/release/salesctl /usr/local/bin/salesctl
COPY --from=build /src/.build/release/salesops_SalesOps.resources /usr/local/bin/salesops_SalesOps.resources
COPY sql /usr/local/share/salesops/sql
COPY demo /usr/local/share/salesops/demo
ENV SALESOPS_SQL_DIR=/usr/local/share/salesops/sql
ENTRYPOINT ["salesctl"]
CMD ["--help"]
