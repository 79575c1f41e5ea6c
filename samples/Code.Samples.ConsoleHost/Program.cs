using System.Text.Json;
using Code.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

// A console host: config.toml (next to the program), then appsettings.json, environment variables
// (Code__core__port=9000) and the command line (--Code:core:port=9000), each overriding the one
// before, configure CODE. The host validates the options at start and prints what it bound.
var configuration = new ConfigurationManager();
configuration.AddCodeToml(Path.Combine(AppContext.BaseDirectory, "config.toml"));
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, Configuration = configuration });

builder.Services.AddCode(builder.Configuration.GetSection(CodeOptions.SectionName));

using var host = builder.Build();
try
{
    await host.StartAsync();
}
catch (OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync("CODE configuration is invalid:");
    foreach (var failure in ex.Failures)
    {
        await Console.Error.WriteLineAsync($"  - {failure}");
    }

    return 1;
}

var options = host.Services.GetRequiredService<IOptions<CodeOptions>>().Value;
Console.WriteLine("CODE host started with these options:");
Console.WriteLine(JsonSerializer.Serialize(options, new JsonSerializerOptions { WriteIndented = true }));
await host.StopAsync();
return 0;
