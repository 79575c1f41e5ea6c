using System.Collections.Concurrent;
using System.Reflection;
using Code.Core.State;

namespace Code.Experts.Tests.TestDoubles;

/// <summary>
/// Test double of a state store with faults: wraps a real store and, per call, can throw or hang (a call that
/// never completes and ignores its token, like a store behind a dead connection). Built with
/// <see cref="DispatchProxy"/>, so it forwards every member of <see cref="IStateStore"/> it does not intercept.
/// </summary>
#pragma warning disable CA1852 // DispatchProxy derives a proxy type from this class, so it cannot be sealed.
internal class InterceptingStateStore : DispatchProxy
#pragma warning restore CA1852
{
    private IStateStore _inner = null!;

    /// <summary>Gets or sets the fault of a call, by method name (<c>GetAsync</c>, <c>CompareAndSwapAsync</c> ...) and key; null lets the call through.</summary>
    public Func<string, string, StoreFault?>? Fault { get; set; }

    /// <summary>Gets the calls that were made to hang, as method and key.</summary>
    public ConcurrentQueue<(string Method, string Key)> Hanging { get; } = new();

    public static InterceptingStateStore Wrap(IStateStore inner)
    {
        var proxy = (InterceptingStateStore)(object)Create<IStateStore, InterceptingStateStore>();
        proxy._inner = inner;
        return proxy;
    }

    public IStateStore Store => (IStateStore)(object)this;

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (args is [string key, ..] && Fault?.Invoke(targetMethod.Name, key) is { } fault)
        {
            if (fault.Exception is not null)
            {
                throw fault.Exception;
            }

            Hanging.Enqueue((targetMethod.Name, key));
            return targetMethod.Name switch
            {
                nameof(IStateStore.GetAsync) => new ValueTask<StateEntry?>(new TaskCompletionSource<StateEntry?>().Task),
                nameof(IStateStore.PutAsync) => new ValueTask<long>(new TaskCompletionSource<long>().Task),
                nameof(IStateStore.CompareAndSwapAsync) or nameof(IStateStore.DeleteAsync) => new ValueTask<StateWriteResult>(new TaskCompletionSource<StateWriteResult>().Task),
                _ => throw new NotSupportedException($"{targetMethod.Name} cannot be made to hang."),
            };
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            throw exception.InnerException;
        }
    }
}

/// <summary>What an intercepted store call does instead of its work.</summary>
/// <param name="Exception">Thrown by the call; null makes the call hang.</param>
internal sealed record StoreFault(Exception? Exception)
{
    public static StoreFault Hang { get; } = new((Exception?)null);

    public static StoreFault Throw(string message) => new(new IOException(message));
}
