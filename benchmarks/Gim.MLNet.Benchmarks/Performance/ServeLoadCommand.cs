using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Gim.MLNet.Causal;
using Gim.MLNet.Data.Synthetic;
using Microsoft.ML;

namespace Gim.MLNet.Benchmarks.Performance;

/// <summary>
/// `serve-load [--model ZIP] [--clients 16] [--seconds 10] [--rows 8] [--samples 10]`: starts the web service
/// (src/Gim.MLNet.Serving) as its own process on the loopback interface, then has N concurrent clients send
/// POST /predict for a bounded time. Reports requests/s and latency percentiles, and checks that no request failed
/// and that every answer's means, target probabilities and shifts equal the answer the same request got alone.
/// Without --model it fits the default GIM on the default Hill screen and saves it, as the samples app does.
/// </summary>
internal static class ServeLoadCommand
{
    public static int Run(string[] args)
    {
        int clients = Args.Int(args, "--clients", 16), seconds = Args.Int(args, "--seconds", 10);
        int rows = Args.Int(args, "--rows", 8), samples = Args.Int(args, "--samples", 10);
        string folder = Directory.CreateTempSubdirectory("gim-serve-load-").FullName;
        try
        {
            string model = Args.String(args, "--model") ?? FitDefaultModel(folder);
            return Load(model, clients, seconds, rows, samples).GetAwaiter().GetResult();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string FitDefaultModel(string folder)
    {
        HillScreen screen = HillScreen.Generate(new HillScreenOptions { Seed = 0 });
        var mlContext = new MLContext(seed: 0);
        IDataView train = screen.Train.Data.ToDataView(mlContext);
        using GimTransformer gim = mlContext.Perturbation().Trainers.Gim(new GimOptions { Seed = 0 }).Fit(train);
        string path = Path.Combine(folder, "gim-pipeline.zip");
        mlContext.Model.SaveAtomically(gim, train.Schema, path);
        Console.WriteLine($"Fitted the default GIM on the default Hill screen ({screen.Train.Data.VariableCount} variables, {screen.Train.Data.FeatureCount} features): {path}");
        return path;
    }

    private static async Task<int> Load(string model, int clients, int seconds, int rows, int samples)
    {
        int port = FreePort();
        string url = $"http://127.0.0.1:{port}";
        string dll = typeof(ServeLoadCommand).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "GimServingAssembly").Value!;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { dll, "--model", model, "--urls", url }) start.ArgumentList.Add(a);
        using Process server = Process.Start(start)!;
        var serverError = new StringBuilder();
        server.ErrorDataReceived += (_, e) => { lock (serverError) serverError.AppendLine(e.Data); };
        server.OutputDataReceived += (_, _) => { };
        server.BeginErrorReadLine();
        server.BeginOutputReadLine();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            var startClock = Stopwatch.StartNew();
            while (!await Healthy(http))
            {
                if (server.HasExited || startClock.Elapsed > TimeSpan.FromSeconds(60))
                {
                    Console.Error.WriteLine($"error: the service did not become healthy: {serverError}");
                    return 1;
                }
                await Task.Delay(100);
            }
            Console.WriteLine($"Service healthy after {startClock.Elapsed.TotalSeconds:F1} s on {url}.");
            using JsonDocument description = JsonDocument.Parse(await http.GetStringAsync("/model"));
            if (!description.RootElement.GetProperty("requestForms").EnumerateArray().Any(f => f.GetString() == "features"))
            {
                Console.Error.WriteLine("error: serve-load sends feature vectors; this model takes named inputs (GET /model lists them). Use a pipeline whose only input is the features vector.");
                return 1;
            }
            int width = description.RootElement.GetProperty("features").GetArrayLength();
            string[] bodies = Enumerable.Range(0, 8).Select(k => Body(rows, width, samples, seed: k)).ToArray();
            string[] alone = new string[bodies.Length];
            for (int k = 0; k < bodies.Length; k++) alone[k] = Deterministic(await Post(http, bodies[k]));
            for (int w = 0; w < 50; w++) await Post(http, bodies[w % bodies.Length]); // warm up the JIT and the session

            var latencies = new ConcurrentBag<double>();
            var failures = new ConcurrentBag<string>();
            var clock = Stopwatch.StartNew();
            TimeSpan duration = TimeSpan.FromSeconds(seconds);
            await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
            {
                for (int i = 0; clock.Elapsed < duration; i++)
                {
                    int k = (c + i) % bodies.Length;
                    var one = Stopwatch.StartNew();
                    try
                    {
                        string answer = Deterministic(await Post(http, bodies[k]));
                        latencies.Add(one.Elapsed.TotalMilliseconds);
                        if (answer != alone[k]) failures.Add($"client {c}, request {i}: answer differs from the one given alone");
                    }
                    catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException)
                    {
                        failures.Add($"client {c}, request {i}: {e.Message}");
                    }
                }
            })));
            double elapsed = clock.Elapsed.TotalSeconds;
            double[] sorted = latencies.OrderBy(x => x).ToArray();
            double Percentile(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
            long peak = PeakMemory.Of(server);
            Console.WriteLine($"{clients} clients, {seconds} s, {rows} rows × {samples} samples per request ({rows * Math.Max(samples, 1)} predicted cells):");
            Console.WriteLine($"  {sorted.Length} requests in {elapsed:F1} s = {sorted.Length / elapsed:F0} requests/s ({sorted.Length * rows * Math.Max(samples, 1) / elapsed:F0} cells/s)");
            Console.WriteLine($"  latency ms: p50 {Percentile(0.50):F2}, p90 {Percentile(0.90):F2}, p99 {Percentile(0.99):F2}, max {sorted.LastOrDefault():F2}");
            Console.WriteLine($"  server peak memory {peak / 1048576.0:F0} MiB; errors or differing answers: {failures.Count}");
            foreach (string failure in failures.Take(5)) Console.WriteLine($"  {failure}");
            return failures.IsEmpty ? 0 : 1;
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
            server.WaitForExit();
        }
    }

    private static string Body(int rows, int width, int samples, int seed)
    {
        var rng = new Random(seed);
        var features = Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, width).Select(_ => Math.Round(rng.NextDouble(), 3)).ToArray()).ToArray();
        return JsonSerializer.Serialize(new { features, samples });
    }

    private static async Task<JsonElement> Post(HttpClient http, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await http.PostAsync("/predict", content);
        string text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{(int)response.StatusCode}: {text}");
        using JsonDocument document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>The answer without its samples (draws from the shared session's random stream differ by design).</summary>
    private static string Deterministic(JsonElement answer) => string.Join("|", answer.GetProperty("predictions").EnumerateArray().Select(p =>
        $"{p.GetProperty("mean").GetRawText()};{(p.TryGetProperty("targetProbabilities", out JsonElement t) ? t.GetRawText() : "")};{p.GetProperty("shift").GetRawText()}"));

    private static async Task<bool> Healthy(HttpClient http)
    {
        try
        {
            return (await http.GetAsync("/health")).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
