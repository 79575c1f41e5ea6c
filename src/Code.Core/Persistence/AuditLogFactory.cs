using Code.Core.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Code.Core.Persistence;

/// <summary>Creates the host's <see cref="IAuditLog"/>: a file under <c>core.data_dir</c>, or memory when the state store is in memory.</summary>
internal static class AuditLogFactory
{
    public static IAuditLog Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<CodeOptions>>().Value;
        var timeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("Code.Core.Persistence.FileAuditLog");
        return options.Persistence.Store == StateStoreNames.Memory
            ? new FileAuditLog(null, timeProvider, logger)
            : new FileAuditLog(Path.GetFullPath(Path.Combine(options.Core.DataDirectory, "audit", "audit.log")), timeProvider, logger);
    }
}
