// Counters the app keeps about itself, readable from the console (and by the browser tests) as
// window.interviewRoom: what the audio path actually did, without any content.
export const diagnostics = {
  audio: { framesCaptured: 0, framesSent: 0, samplesPlayed: 0, samplesQueued: 0, playbackClears: 0 },
  socket: { connects: 0, tokensFetched: 0 },
};
window.interviewRoom = diagnostics;
