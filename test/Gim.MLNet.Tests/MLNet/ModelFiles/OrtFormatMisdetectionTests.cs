using Gim.MLNet.Causal;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Tests.Support;
using Microsoft.ML.OnnxRuntime;

namespace Gim.MLNet.Tests.MLNet.ModelFiles;

/// <summary>
/// The cause of a rare session failure (an ONNX file whose temporary name ends in ".ort" is read as an
/// ORT-format model) and the retry that works around it.
/// </summary>
public class OrtFormatMisdetectionTests
{
    [Test]
    public void AnOnnxFileNamedDotOrt_FailsVerification_WhileTheSameBytesLoadUnderAnotherName()
    {
        HillScreen screen = TrainingFixtures.SmallScreen();
        using GimModel model = new GimTrainer(new GimOptions { MaxSteps = 20 }).Fit(screen.Train.Data);
        byte[] onnx = LinearGimOnnxExporter.Export(model.ExportParameters());
        string folder = Directory.CreateTempSubdirectory("gim-ort-").FullName;
        try
        {
            string ort = Path.Combine(folder, "model.ort"), plain = Path.Combine(folder, "model.xyz");
            File.WriteAllBytes(ort, onnx);
            File.WriteAllBytes(plain, onnx);
            using (new InferenceSession(plain)) { }
            var e = Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(ort).Dispose());
            Assert.That(e!.Message, Does.Contain("ORT model verification failed"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void RetryOnce_RetriesOnlyThatFailure()
    {
        int calls = 0;
        int value = OrtFormatMisdetection.RetryOnce(() =>
        {
            if (calls++ == 0)
                throw new InvalidOperationException("Error initializing model", new Exception("[ErrorCode:Fail] inference_session.cc ORT model verification failed."));
            return 42;
        });
        Assert.That((value, calls), Is.EqualTo((42, 2)));

        calls = 0;
        Assert.Throws<InvalidOperationException>(() => OrtFormatMisdetection.RetryOnce<int>(() => { calls++; throw new InvalidOperationException("another error"); }));
        Assert.That(calls, Is.EqualTo(1));
    }
}
