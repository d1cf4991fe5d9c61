using System.Runtime.InteropServices;
using System.Text;

namespace SkEmbeddingGemma.Cli;

/// <summary>
/// Standard input and output for <c>-</c>, refused when the process was started with them closed (<c>&lt;&amp;-</c>,
/// <c>&gt;&amp;-</c>): the runtime then reuses descriptor 0 or 1 for a file or pipe of its own, so reading would hang on
/// the runtime's pipe and writing would fail with a misleading "access denied".
/// </summary>
internal static partial class StandardStream
{
    private const int StandardInput = 0;
    private const int StandardOutput = 1;
    private const int GetDescriptorFlags = 1; // F_GETFD
    private const int CloseOnExec = 1; // FD_CLOEXEC

    /// <summary>Opens standard input.</summary>
    /// <exception cref="IOException">Standard input is closed.</exception>
    public static Stream OpenInput() => IsClosed(StandardInput)
        ? throw new IOException("--input -: standard input is closed (the command was started with <&-); pipe the input in or give a file.")
        : Console.OpenStandardInput();

    /// <summary>Opens standard output.</summary>
    /// <exception cref="IOException">Standard output is closed.</exception>
    public static Stream OpenOutput() => IsClosed(StandardOutput)
        ? throw new IOException("standard output is closed (the command was started with >&-); redirect it to a file or give --output FILE.")
        : Console.OpenStandardOutput();

    /// <summary>Opens standard output as UTF-8 text (no byte order mark), flushed by the caller.</summary>
    /// <exception cref="IOException">Standard output is closed.</exception>
    public static StreamWriter OpenOutputWriter() => new(OpenOutput(), new UTF8Encoding(false), bufferSize: 1 << 16) { AutoFlush = false };

    /// <summary>
    /// Whether a standard descriptor was closed when the process started: it is invalid now, or it has close-on-exec set,
    /// which an inherited descriptor never has (it would not have survived exec) and every descriptor .NET opens has.
    /// </summary>
    private static bool IsClosed(int descriptor)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        int flags = GetFlags(descriptor, GetDescriptorFlags);
        return flags < 0 || (flags & CloseOnExec) != 0;
    }

    [LibraryImport("libc", EntryPoint = "fcntl")]
    private static partial int GetFlags(int descriptor, int command);
}
