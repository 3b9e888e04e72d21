using MoralGraph.Cli;

return await MoralGraphCli.RunAsync(args, Console.Out, Console.Error);
