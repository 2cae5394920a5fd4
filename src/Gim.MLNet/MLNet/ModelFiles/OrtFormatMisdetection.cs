// Compiled into the serving app too (it references no Gim.MLNet), under its own namespace so the two copies never clash.
#if GIM_SERVING
namespace Gim.MLNet.Serving;
#else
namespace Gim.MLNet;
#endif

/// <summary>
/// Works around a rare failure when ML.NET creates an ONNX Runtime session from bytes.
/// </summary>
/// <remarks>
/// ML.NET writes the ONNX bytes to a temporary file named by <see cref="Path.GetRandomFileName"/>, whose random
/// three-character extension is ".ort" once in 32,768 names; ONNX Runtime then reads the file as an ORT-format
/// model and fails with "ORT model verification failed". It happened about once per run of our test suite,
/// which creates thousands of sessions (dotnet/machinelearning#7339). A second attempt gets a new name, so the failure is
/// retried once.
/// </remarks>
internal static class OrtFormatMisdetection
{
    private const string Symptom = "ORT model verification failed";

    public static T RetryOnce<T>(Func<T> create)
    {
        try
        {
            return create();
        }
        catch (Exception e) when (IsMisdetection(e))
        {
            return create();
        }
    }

    private static bool IsMisdetection(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x.Message.Contains(Symptom, StringComparison.Ordinal))
                return true;
        return false;
    }
}
