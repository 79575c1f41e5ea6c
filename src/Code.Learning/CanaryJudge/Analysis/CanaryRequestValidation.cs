namespace Code.Learning.CanaryJudge.Analysis;

/// <summary>Checks a request before anything is computed; every message names the metric and the setting.</summary>
internal static class CanaryRequestValidation
{
    public static void Validate(CanaryJudgeRequest request)
    {
        if (request.Metrics is null || request.Metrics.Count == 0)
        {
            throw new ArgumentException("A canary analysis needs at least one metric.", nameof(request));
        }

        if (request.Metrics.Count > CanaryJudgeDefaults.MaxMetrics)
        {
            throw new ArgumentException($"A canary analysis has {request.Metrics.Count} metrics; at most {CanaryJudgeDefaults.MaxMetrics} are accepted.", nameof(request));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < request.Metrics.Count; i++)
        {
            var metric = request.Metrics[i] ?? throw new ArgumentException($"Metric {i} of the canary analysis is null.", nameof(request));
            var config = metric.Config ?? throw new ArgumentException($"Metric {i} of the canary analysis has no config.", nameof(request));
            if (!names.Add(config.Name))
            {
                throw new ArgumentException($"The canary analysis names metric '{config.Name}' twice; metric names must be unique.", nameof(request));
            }

            if (metric.Baseline.Length > CanaryJudgeDefaults.MaxSamplesPerSide || metric.Canary.Length > CanaryJudgeDefaults.MaxSamplesPerSide)
            {
                throw new ArgumentException($"Metric '{config.Name}' has more than {CanaryJudgeDefaults.MaxSamplesPerSide} samples on one side.", nameof(request));
            }

            if (!(config.Tolerance >= 0) || !double.IsFinite(config.Tolerance) || !(config.AbsoluteTolerance >= 0) || !double.IsFinite(config.AbsoluteTolerance))
            {
                throw new ArgumentException($"Metric '{config.Name}' has a negative or non-finite tolerance.", nameof(request));
            }

            if (!(config.TailTolerance >= 0) || !double.IsFinite(config.TailTolerance))
            {
                throw new ArgumentException($"Metric '{config.Name}' has tail tolerance {config.TailTolerance}; it must be finite and at least 0.", nameof(request));
            }

            if (config.TailQuantile is { } q && !(q > 0.5 && q < 1))
            {
                throw new ArgumentException($"Metric '{config.Name}' has tail quantile {q}; it must be greater than 0.5 and less than 1 (or null for none).", nameof(request));
            }

            if (!Enum.IsDefined(config.Direction))
            {
                throw new ArgumentException($"Metric '{config.Name}' has an unknown direction {config.Direction}.", nameof(request));
            }

            if (config.MinimumSamples < 1)
            {
                throw new ArgumentException($"Metric '{config.Name}' has minimum samples {config.MinimumSamples}; it must be at least 1.", nameof(request));
            }
        }

        if (request.GroupWeights is not null)
        {
            foreach (var (group, weight) in request.GroupWeights)
            {
                if (!(weight > 0) || !double.IsFinite(weight))
                {
                    throw new ArgumentException($"Group '{group}' has weight {weight}; group weights must be finite and greater than 0.", nameof(request));
                }
            }
        }
    }
}
