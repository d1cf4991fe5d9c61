using Rag;

return await RagApp.RunAsync(args, Console.In, Console.Out, Console.Error, Environment.GetEnvironmentVariable);
