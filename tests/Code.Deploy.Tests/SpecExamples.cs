namespace Code.Deploy.Tests;

/// <summary>The worked examples of docs/deploy.md, tested as they are printed there.</summary>
internal static class SpecExamples
{
    public const string Recreate = """
        app: shop
        revision:
          name: v2
          command: ["dotnet", "Shop.dll", "--urls", "http://127.0.0.1:{port}"]
        replicas: 2
        strategy:
          recreate: {}
        """;

    public const string Rolling = """
        app: shop
        revision:
          name: v2
          version: 2.0.0
          command: ["dotnet", "Shop.dll", "--urls", "http://127.0.0.1:{port}"]
          env:
            - name: ASPNETCORE_ENVIRONMENT
              value: Production
        replicas: 3
        minReadySeconds: 10
        strategy:
          rollingUpdate:
            maxSurge: 25%
            maxUnavailable: 25%
        probes:
          readiness:
            httpGet: {path: /healthz}
            periodSeconds: 5
          liveness:
            httpGet: {path: /livez}
            failureThreshold: 3
        """;

    public const string BlueGreen = """
        app: shop
        revision:
          name: v2
          image: registry.example/shop:2.0.0
        replicas: 4
        strategy:
          blueGreen:
            previewReplicaCount: 2
            autoPromotionSeconds: 600
            prePromotionAnalysis:
              templates:
                - templateName: smoke
            postPromotionAnalysis:
              templates:
                - templateName: success-rate
            scaleDownDelaySeconds: 60
        analysis:
          templates:
            - name: smoke
              metrics:
                - name: smoke-test
                  provider:
                    web:
                      url: http://127.0.0.1:9000/smoke
                      jsonPath: $.passed
                  successCondition: result == true
            - name: success-rate
              metrics:
                - name: success-rate
                  interval: 1m
                  count: 5
                  failureLimit: 1
                  provider:
                    prometheus:
                      address: http://127.0.0.1:9090
                      query: sum(rate(http_requests_total{app="shop",code!~"5.."}[1m])) / sum(rate(http_requests_total{app="shop"}[1m]))
                  successCondition: result[0] >= 0.99
        """;

    public const string Canary = """
        app: shop
        revision:
          name: v2
          command: ["dotnet", "Shop.dll", "--urls", "http://127.0.0.1:{port}"]
        replicas: 10
        strategy:
          canary:
            analysis:
              templates:
                - templateName: latency
              startingStep: 1
            steps:
              - setWeight: 10
              - pause: {duration: 5m}
              - setHeaderRoute:
                  name: testers
                  match:
                    - headerName: X-Canary
                      headerValue: {exact: always}
              - analysis:
                  templates:
                    - templateName: success-rate
              - setCanaryScale: {replicas: 5}
              - setWeight: 50
              - pause: {}
        gates:
          - name: release-manager
            at: beforePromotion
            manual: {}
        analysis:
          templates:
            - name: success-rate
              metrics:
                - name: success-rate
                  interval: 1m
                  count: 3
                  provider:
                    prometheus:
                      address: http://127.0.0.1:9090
                      query: sum(rate(http_requests_total{app="shop",revision="v2",code!~"5.."}[1m])) / sum(rate(http_requests_total{app="shop",revision="v2"}[1m]))
                  successCondition: result[0] >= 0.99
                  failureCondition: result[0] < 0.95
            - name: latency
              metrics:
                - name: judge
                  interval: 2m
                  provider:
                    judge:
                      metrics:
                        - name: request_duration_ms
                          direction: increase
                          critical: true
                  successCondition: result.verdict == "pass"
                  failureCondition: result.verdict == "fail"
                  inconclusiveLimit: 2
        """;

    public const string CanaryWithoutRouter = """
        app: shop
        revision:
          name: v2
          command: ["dotnet", "Shop.dll", "--urls", "http://127.0.0.1:{port}"]
        replicas: 5
        strategy:
          canary:
            steps:
              - setWeight: 20
              - pause: {}
              - setWeight: 40
              - pause: {duration: 10}
              - setWeight: 60
              - pause: {duration: 10}
              - setWeight: 80
              - pause: {duration: 10}
        """;
}
