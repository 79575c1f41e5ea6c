namespace Code.Core.Hosting;

/// <summary>Registered once by <c>AddCode</c>; its presence makes later calls skip the core registrations.</summary>
internal sealed class CodeMarkerService;
