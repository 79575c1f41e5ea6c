using System.Collections.Concurrent;
using System.Diagnostics;

namespace Code.Testing;

/// <summary>
/// A child .NET process whose standard output lines are collected as they arrive, for tests that kill
/// a real process (SIGKILL on Unix) and look at what it reported before it died.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private int _lineCount;

    private ChildProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Gets how many complete lines the child has written so far.</summary>
    public int LineCount => Volatile.Read(ref _lineCount);

    /// <summary>Gets a value indicating whether the child has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>dotnet exec <paramref name="assemblyPath"/> <paramref name="arguments"/></c>.</summary>
    public static ChildProcess StartDotnet(string assemblyPath, params string[] arguments)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(assemblyPath);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                child._lines.Enqueue(e.Data);
                Interlocked.Increment(ref child._lineCount);
                child._arrived.Release();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                child._lines.Enqueue("stderr: " + e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits until the child has written at least <paramref name="count"/> lines, exited, or the timeout passed.</summary>
    /// <returns>Whether the lines arrived.</returns>
    public async Task<bool> WaitForLinesAsync(int count, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (LineCount < count)
        {
            if (_process.HasExited || Stopwatch.GetTimestamp() > deadline)
            {
                return LineCount >= count;
            }

            await _arrived.WaitAsync(TimeSpan.FromMilliseconds(50)).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Kills the child at once (SIGKILL on Unix: no finalizers, no flushing) and waits for it to be gone.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
    }

    /// <summary>Gets every line written so far (call after <see cref="Kill"/> for the complete output).</summary>
    public IReadOnlyList<string> Lines() => [.. _lines];

    /// <inheritdoc />
    public void Dispose()
    {
        Kill();
        _process.Dispose();
        _arrived.Dispose();
    }

    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }
}
