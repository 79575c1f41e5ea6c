global using Session = FASTER.core.ClientSession<
    FASTER.core.SpanByte, FASTER.core.SpanByte, FASTER.core.SpanByte, byte[], FASTER.core.Empty,
    FASTER.core.SpanByteFunctions_ByteArrayOutput<FASTER.core.Empty>>;
global using WriterSession = FASTER.core.ClientSession<
    FASTER.core.SpanByte, FASTER.core.SpanByte, FASTER.core.SpanByte, byte[], FASTER.core.Empty,
    Code.Core.State.Faster.VersionReaderFunctions>;
