using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Gim.MLNet.Runtime;

/// <summary>
/// Makes libtorch's CPU arithmetic give the same bits from one process to the next. libtorch's CPU build does its
/// matrix products in Intel MKL, whose kernels by default may take a different path depending on where their inputs
/// happen to lie in memory. The results then differ in the last bit from run to run. Over a fit's thousands of steps
/// such a bit can grow into a visibly different model: the same seed, data and options would fit differently in two
/// processes. MKL's own switch for this is its "conditional numerical reproducibility" mode, read from the
/// environment variable <c>MKL_CBWR</c> when MKL first computes. When this assembly is loaded it sets
/// <c>MKL_CBWR=AUTO</c> in the process's native environment (the code path for this processor, reproducible from
/// run to run), unless the variable is already set, so a user's own choice stands.
/// </summary>
/// <remarks>
/// <para>Measured (2026-12-07, this project's 2-core VM): a nonlinear GIM fitted with the power-series
/// log-determinant, the same seed and data, reached one of two graphs that differed by 2·10⁻⁷, in about 4 processes of
/// 10; with <c>MKL_CBWR=AUTO</c> it reached the same graph in 8 of 8 processes, and 12 of 12 with <c>COMPATIBLE</c>.
/// (Within one process fits repeated exactly; the first difference appeared at step 11 of 40.)</para>
/// <para>The variable has to be in place before MKL's first computation: a process that ran libtorch arithmetic before
/// it loaded this assembly keeps MKL's default, and so does one where the native environment cannot be written (then
/// <see cref="Applied"/> is false). To choose another mode, set <c>MKL_CBWR</c> before starting the process (MKL's
/// documentation lists the values). Processors of another kind, or another number of threads, may still give other
/// bits; the reproducibility promised is the same machine's, run after run.</para>
/// </remarks>
internal static class MklReproducibility
{
    /// <summary>The environment variable MKL reads its reproducibility mode from.</summary>
    public const string Variable = "MKL_CBWR";

    /// <summary>The mode set when the variable is not already set: MKL's code path for this processor, reproducible from run to run.</summary>
    public const string Mode = "AUTO";

    /// <summary>Whether <see cref="Variable"/> is set in the process's native environment (by this assembly or before it).</summary>
    public static bool Applied { get; private set; }

    /// <summary>Runs when the assembly is loaded, before any of its types does libtorch work.</summary>
#pragma warning disable CA2255 // A module initializer in a library: the setting must precede MKL's first computation, which any type here may start.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() => Applied = SetIfUnset(Variable, Mode);

    /// <summary>Sets a variable in the native environment (the one C libraries read with getenv) unless it is set; true when it is set afterwards.</summary>
    internal static bool SetIfUnset(string name, string value)
    {
        try
        {
            if (!TryLoadCRuntime(out IntPtr crt)) return false;
            if (OperatingSystem.IsWindows())
                // The C runtime's own copy of the environment, which MKL reads; .NET's SetEnvironmentVariable does not reach it.
                return NativeValue(name) is not null
                    || (NativeLibrary.TryGetExport(crt, "_putenv_s", out IntPtr put) && Marshal.GetDelegateForFunctionPointer<PutEnvS>(put)(name, value) == 0);
            // On Unix .NET keeps a copy of the environment of its own: setenv here is what getenv in native code sees.
            return NativeLibrary.TryGetExport(crt, "setenv", out IntPtr set) && Marshal.GetDelegateForFunctionPointer<SetEnv>(set)(name, value, 0) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or MarshalDirectiveException)
        {
            return false;
        }
    }

    /// <summary>The native environment's value of <paramref name="name"/>, or null (for tests and diagnostics).</summary>
    internal static string? NativeValue(string name)
    {
        if (!TryLoadCRuntime(out IntPtr crt) || !NativeLibrary.TryGetExport(crt, "getenv", out IntPtr get)) return null;
        IntPtr result = Marshal.GetDelegateForFunctionPointer<GetEnv>(get)(name);
        return result == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(result);
    }

    /// <summary>The C runtime whose environment native libraries read: the UCRT on Windows, libSystem on macOS, glibc elsewhere.</summary>
    private static bool TryLoadCRuntime(out IntPtr handle) => NativeLibrary.TryLoad(
        OperatingSystem.IsWindows() ? "ucrtbase.dll" : OperatingSystem.IsMacOS() ? "/usr/lib/libSystem.B.dylib" : "libc.so.6", out handle);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int PutEnvS([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr GetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name);
}
