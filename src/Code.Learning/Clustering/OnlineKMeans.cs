using Code.Learning.Statistics;

namespace Code.Learning.Clustering;

/// <summary>The cluster a point was assigned to.</summary>
/// <param name="Cluster">The 0-based cluster index.</param>
/// <param name="Distance">The Euclidean distance from the point to the cluster's centre (before the centre moved).</param>
public readonly record struct ClusterAssignment(int Cluster, double Distance);

/// <summary>
/// Sequential (MacQueen) k-means for behaviour clustering: the first k distinct points seed the centres;
/// each later point joins the nearest centre, which moves towards it by max(1 / n, minimumRate), so the
/// centres are running means that can still follow slow drift.
/// </summary>
/// <remarks>O(k * d) per point, allocation-free. Thread-safe.</remarks>
public sealed class OnlineKMeans
{
    private readonly Lock _lock = new();
    private readonly double[] _centres;
    private readonly long[] _counts;
    private readonly double _minimumRate;
    private int _seeded;

    /// <summary>Initializes a new instance of the <see cref="OnlineKMeans"/> class.</summary>
    /// <param name="clusters">The number of clusters k, 1 to 10000.</param>
    /// <param name="dimension">The point dimension, 1 to 10000.</param>
    /// <param name="minimumRate">The smallest step a centre takes towards a new member, 0 to 1 (0: a plain running mean).</param>
    public OnlineKMeans(int clusters, int dimension, double minimumRate = 0)
    {
        if (clusters is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(clusters), clusters, "k-means needs between 1 and 10000 clusters.");
        }

        if (dimension is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "The k-means dimension must be between 1 and 10000.");
        }

        if (!(minimumRate >= 0 && minimumRate <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(minimumRate), minimumRate, "The minimum rate must be between 0 and 1.");
        }

        Clusters = clusters;
        Dimension = dimension;
        _minimumRate = minimumRate;
        _centres = new double[clusters * dimension];
        _counts = new long[clusters];
    }

    /// <summary>Gets k.</summary>
    public int Clusters { get; }

    /// <summary>Gets the point dimension.</summary>
    public int Dimension { get; }

    /// <summary>Gets how many clusters have been seeded so far (k once k distinct points were seen).</summary>
    public int SeededClusters
    {
        get
        {
            lock (_lock)
            {
                return _seeded;
            }
        }
    }

    /// <summary>Copies a cluster's centre.</summary>
    /// <param name="cluster">The cluster index.</param>
    /// <returns>A copy of the centre.</returns>
    public double[] GetCentre(int cluster)
    {
        lock (_lock)
        {
            if ((uint)cluster >= (uint)_seeded)
            {
                throw new ArgumentOutOfRangeException(nameof(cluster), cluster, $"Only clusters 0 to {_seeded - 1} have centres.");
            }

            return _centres.AsSpan(cluster * Dimension, Dimension).ToArray();
        }
    }

    /// <summary>Gets the number of points a cluster absorbed.</summary>
    /// <param name="cluster">The cluster index.</param>
    /// <returns>The count.</returns>
    public long GetCount(int cluster)
    {
        lock (_lock)
        {
            return (uint)cluster < (uint)Clusters ? _counts[cluster] : throw new ArgumentOutOfRangeException(nameof(cluster));
        }
    }

    /// <summary>Assigns a point to its nearest centre and moves that centre towards it.</summary>
    /// <param name="point">The point, of length <see cref="Dimension"/>, finite.</param>
    /// <returns>The assignment.</returns>
    public ClusterAssignment Learn(ReadOnlySpan<double> point)
    {
        Validate(point);
        lock (_lock)
        {
            if (_seeded < Clusters)
            {
                var (nearest, distance) = Nearest(point);
                if (_seeded == 0 || distance > 0)
                {
                    point.CopyTo(_centres.AsSpan(_seeded * Dimension, Dimension));
                    _counts[_seeded] = 1;
                    return new ClusterAssignment(_seeded++, 0);
                }

                _counts[nearest]++;
                return new ClusterAssignment(nearest, 0);
            }

            var (cluster, d) = Nearest(point);
            var count = ++_counts[cluster];
            var rate = Math.Max(1.0 / count, _minimumRate);
            var centre = _centres.AsSpan(cluster * Dimension, Dimension);
            for (var i = 0; i < centre.Length; i++)
            {
                centre[i] += rate * (point[i] - centre[i]);
            }

            return new ClusterAssignment(cluster, d);
        }
    }

    /// <summary>Finds the nearest centre without learning.</summary>
    /// <param name="point">The point.</param>
    /// <returns>The assignment.</returns>
    /// <exception cref="InvalidOperationException">No point has been learned yet.</exception>
    public ClusterAssignment Assign(ReadOnlySpan<double> point)
    {
        Validate(point);
        lock (_lock)
        {
            if (_seeded == 0)
            {
                throw new InvalidOperationException("The k-means model has no centres yet; learn some points first.");
            }

            var (cluster, distance) = Nearest(point);
            return new ClusterAssignment(cluster, distance);
        }
    }

    private (int Cluster, double Distance) Nearest(ReadOnlySpan<double> point)
    {
        var best = 0;
        var bestDistance = double.PositiveInfinity;
        for (var c = 0; c < _seeded; c++)
        {
            var centre = _centres.AsSpan(c * Dimension, Dimension);
            var sum = 0.0;
            for (var i = 0; i < centre.Length; i++)
            {
                var diff = point[i] - centre[i];
                sum += diff * diff;
            }

            if (sum < bestDistance)
            {
                best = c;
                bestDistance = sum;
            }
        }

        return (best, Math.Sqrt(bestDistance));
    }

    private void Validate(ReadOnlySpan<double> point)
    {
        if (point.Length != Dimension)
        {
            throw new ArgumentException($"The point has {point.Length} values; this model needs {Dimension}.", nameof(point));
        }

        for (var i = 0; i < point.Length; i++)
        {
            if (!ValueBounds.Accepts(point[i]))
            {
                throw new ArgumentException($"Point value {i} is {point[i]}; values must be finite and within ±{ValueBounds.MaxMagnitude:G}.", nameof(point));
            }
        }
    }
}
