namespace Rag;

/// <summary>The chat endpoint did not answer; the message names the endpoint and the cause, on one line.</summary>
public sealed class ChatEndpointException(string message, Exception innerException) : Exception(message, innerException);
