namespace Code.Core.Tests.State.Faster;

/// <summary>
/// The entry point of the test assembly when it is started as a child process
/// (<c>dotnet exec Code.Core.Tests.dll &lt;command&gt; ...</c>); test runners never call it.
/// </summary>
public static class TestAssemblyEntryPoint
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 3 && args[0] == StateCrashWriter.Command)
        {
            return await StateCrashWriter.RunAsync(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
        }

        if (args.Length == 1 && args[0] == Messaging.Interop.McpStdioHost.Command)
        {
            return await Messaging.Interop.McpStdioHost.RunAsync();
        }

        await Console.Error.WriteLineAsync($"Usage: {StateCrashWriter.Command} <directory> <run>");
        return 2;
    }
}
