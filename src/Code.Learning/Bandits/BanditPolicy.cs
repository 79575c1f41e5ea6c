using System.Buffers.Binary;

namespace Code.Learning.Bandits;

/// <summary>Creates the bandit policies and reads serialized ones.</summary>
public static class BanditPolicy
{
    internal const int HeaderSize = 16;
    internal const byte EpsilonGreedyKind = 1;
    internal const byte BernoulliThompsonKind = 2;
    internal const byte GaussianThompsonKind = 3;
    internal const byte LinUcbKind = 4;
    internal const byte LinUcbExplorationKind = 5;
    private const uint Magic = 0x444E4142; // "BAND"
    private const byte FormatVersion = 1;

    /// <summary>Creates an epsilon-greedy policy.</summary>
    /// <param name="armCount">The number of arms, 1 to 10000.</param>
    /// <param name="epsilon">The exploration rate, 0 to 1 (<c>learning.exploration_rate</c>, 0.1 by default).</param>
    /// <param name="decaySteps">When greater than 0, epsilon decays as epsilon / (1 + t / decaySteps), which makes regret grow sublinearly; 0 keeps it constant.</param>
    /// <param name="seed">The random seed.</param>
    /// <returns>The policy.</returns>
    public static IBanditPolicy EpsilonGreedy(int armCount, double epsilon = 0.1, double decaySteps = 0, int seed = 0) =>
        new EpsilonGreedyPolicy(armCount, epsilon, decaySteps, seed);

    /// <summary>Creates a Thompson-sampling policy for rewards in [0, 1] with a Beta prior per arm.</summary>
    /// <param name="armCount">The number of arms.</param>
    /// <param name="priorAlpha">The prior's alpha (pseudo-successes).</param>
    /// <param name="priorBeta">The prior's beta (pseudo-failures).</param>
    /// <param name="seed">The random seed.</param>
    /// <returns>The policy.</returns>
    public static IBanditPolicy BernoulliThompson(int armCount, double priorAlpha = 1, double priorBeta = 1, int seed = 0) =>
        new BernoulliThompsonPolicy(armCount, priorAlpha, priorBeta, seed);

    /// <summary>Creates a Thompson-sampling policy for real-valued rewards with a normal posterior per arm.</summary>
    /// <param name="armCount">The number of arms.</param>
    /// <param name="priorMean">The prior mean reward.</param>
    /// <param name="priorVariance">The prior variance of the rewards.</param>
    /// <param name="seed">The random seed.</param>
    /// <returns>The policy.</returns>
    public static IBanditPolicy GaussianThompson(int armCount, double priorMean = 0, double priorVariance = 1, int seed = 0) =>
        new GaussianThompsonPolicy(armCount, priorMean, priorVariance, seed);

    /// <summary>Creates a disjoint LinUCB policy over a context vector.</summary>
    /// <param name="armCount">The number of arms.</param>
    /// <param name="dimension">
    /// The context length, 1 to 1024 (include a constant 1 for an intercept); arms × (dimension² + dimension)
    /// may be at most 8,388,608 (64 MiB of state), for example 7 arms at 1024 or 1,985 arms at 64.
    /// </param>
    /// <param name="alpha">The width of the confidence bound; larger explores more.</param>
    /// <param name="exploration">
    /// The probability of playing a uniformly random arm instead of the best bound, 0 to 1, so that every arm
    /// is logged with a propensity of at least exploration / arms and the log supports off-policy evaluation
    /// of other policies. It costs exploration × (the regret of uniform play), a regret that grows linearly;
    /// 0 makes LinUCB deterministic (propensity 1, useless for evaluating any policy that differs from it).
    /// </param>
    /// <param name="seed">The random seed (exploration and ties).</param>
    /// <returns>The policy.</returns>
    public static IBanditPolicy LinUcb(int armCount, int dimension, double alpha = 1.0, double exploration = 0.05, int seed = 0) =>
        new LinUcbPolicy(armCount, dimension, alpha, exploration, seed);

    /// <summary>Reads a policy written by <see cref="IBanditPolicy.Serialize"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="seed">The seed of the restored policy's random generator.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="InvalidDataException">The bytes are not a valid serialized policy.</exception>
    public static IBanditPolicy Deserialize(ReadOnlySpan<byte> data, int seed = 0)
    {
        if (data.Length < HeaderSize || BinaryPrimitives.ReadUInt32LittleEndian(data) != Magic)
        {
            throw new InvalidDataException("The data is not a serialized bandit policy (missing header).");
        }

        if (data[4] != FormatVersion)
        {
            throw new InvalidDataException($"The bandit policy has format version {data[4]}; this library reads version {FormatVersion}.");
        }

        var arms = BinaryPrimitives.ReadInt32LittleEndian(data[8..]);
        var dimension = BinaryPrimitives.ReadInt32LittleEndian(data[12..]);
        if (arms is < 1 or > BanditGuard.MaxArms)
        {
            throw new InvalidDataException($"The serialized bandit policy has {arms} arms.");
        }

        var body = data[HeaderSize..];
        try
        {
            return data[5] switch
            {
                EpsilonGreedyKind => EpsilonGreedyPolicy.Read(body, arms, seed),
                BernoulliThompsonKind => BernoulliThompsonPolicy.Read(body, arms, seed),
                GaussianThompsonKind => GaussianThompsonPolicy.Read(body, arms, seed),
                LinUcbKind => LinUcbPolicy.Read(body, arms, dimension, withExploration: false, seed),
                LinUcbExplorationKind => LinUcbPolicy.Read(body, arms, dimension, withExploration: true, seed),
                _ => throw new InvalidDataException($"Unknown bandit policy kind {data[5]}."),
            };
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new InvalidDataException("The serialized bandit policy has invalid parameters: " + ex.Message, ex);
        }
    }

    internal static Span<byte> WriteHeader(Span<byte> bytes, byte kind, int arms, int dimension)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, Magic);
        bytes[4] = FormatVersion;
        bytes[5] = kind;
        BinaryPrimitives.WriteInt32LittleEndian(bytes[8..], arms);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[12..], dimension);
        return bytes[HeaderSize..];
    }

    internal static void ExpectLength(ReadOnlySpan<byte> body, long length)
    {
        if (body.Length != length)
        {
            throw new InvalidDataException($"The serialized bandit policy holds {body.Length} bytes of state; {length} were expected.");
        }
    }

    internal static double Finite(double value) =>
        double.IsFinite(value) ? value : throw new InvalidDataException("The serialized bandit policy holds a non-finite number.");

    internal static double Positive(double value) =>
        value > 0 && double.IsFinite(value) ? value : throw new InvalidDataException("The serialized bandit policy holds a non-positive posterior parameter.");
}
