using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Code.Testing;

/// <summary>
/// An <see cref="IMeterFactory"/> of a test's own: the meters it creates carry it as their scope, so a
/// <see cref="MetricRecorder"/> on it sees only the measurements of the code the test built with it, while other tests
/// run in parallel. Like the host's factory, it returns the same meter for the same name and version.
/// </summary>
public sealed class TestMeterFactory : IMeterFactory
{
    private readonly Lock _gate = new();
    private readonly List<Meter> _meters = [];

    /// <inheritdoc />
    public Meter Create(MeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        lock (_gate)
        {
            Meter? meter = _meters.Find(m => m.Name == options.Name && m.Version == options.Version);
            if (meter is null)
            {
                meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
                _meters.Add(meter);
            }

            return meter;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _meters.ForEach(m => m.Dispose());
            _meters.Clear();
        }
    }
}

/// <summary>Records the measurements of the instruments whose names start with a prefix, on the meters of one factory only.</summary>
public sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<RecordedMeasurement> _measurements = new();

    /// <summary>Starts recording.</summary>
    /// <param name="meterFactory">The factory whose meters are observed.</param>
    /// <param name="instrumentPrefix">The prefix of the instrument names, for example <c>code.core.messaging.</c>.</param>
    public MetricRecorder(IMeterFactory meterFactory, string instrumentPrefix)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meterFactory) && instrument.Name.StartsWith(instrumentPrefix, StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    /// <summary>Gets the measurements recorded so far.</summary>
    public IReadOnlyList<RecordedMeasurement> Measurements => [.. _measurements];

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue(new RecordedMeasurement(instrument.Name, value, copy));
    }
}

/// <summary>One recorded measurement.</summary>
/// <param name="Instrument">The instrument's name.</param>
/// <param name="Value">The value.</param>
/// <param name="Tags">Its tags.</param>
public sealed record RecordedMeasurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);
