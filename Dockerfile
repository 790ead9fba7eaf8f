# syntax=docker/dockerfile:1
# Multi-stage build: the SDK image builds (NuGet restore, npm front-end packages, Blazor's client script are all fetched
# by the build itself); the ASP.NET runtime image runs the app on port 8080 with the embedded default (SQLite under
# /app/data, seeded demo workspace). Mount /app/data to keep data across containers.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# Node.js/npm for the front-end packages (ECharts, gridstack) that the web project's build installs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
# The image's architecture (set by BuildKit): the app is published ReadyToRun for it, so start-up and the first pages
# after a deploy run precompiled code instead of waiting for the JIT.
ARG TARGETARCH
WORKDIR /src
# The front-end packages first: the layer is reused until package.json or its lock file changes (the build's
# RestoreFrontEndPackages target finds node_modules present and only copies the dist files).
COPY Analytics.Web/package.json Analytics.Web/package-lock.json Analytics.Web/
RUN cd Analytics.Web && npm ci --no-audit --no-fund --loglevel=error
COPY global.json Directory.Build.props Directory.Packages.props Analytics.sln ./
COPY build/ build/
COPY Analytics.Domain/Analytics.Domain.csproj Analytics.Domain/
COPY Analytics.Data/Analytics.Data.csproj Analytics.Data/
COPY Analytics.Jobs/Analytics.Jobs.csproj Analytics.Jobs/
COPY Analytics.Web/Analytics.Web.csproj Analytics.Web/
RUN dotnet restore Analytics.Web/Analytics.Web.csproj -a "$TARGETARCH" -p:PublishReadyToRun=true
COPY . .
RUN dotnet publish Analytics.Web/Analytics.Web.csproj -c Release -a "$TARGETARCH" --self-contained false \
      -p:PublishReadyToRun=true -o /app/publish --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# DejaVu fonts for server-side PDF export.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/publish .
RUN mkdir -p /app/data && chown -R app:app /app/data
USER app
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    ConnectionStrings__Analytics="Data Source=/app/data/analytics.db" \
    Analytics__DataDirectory=/app/data
VOLUME /app/data
EXPOSE 8080
# Liveness: /healthz/live runs no check (a database outage does not mark the container unhealthy); readiness is /healthz/ready.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD ["/bin/bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz/live HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '200 OK' <&3"]
ENTRYPOINT ["dotnet", "Analytics.Web.dll"]
