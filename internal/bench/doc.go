// Package bench is `onair bench`: a publisher of a pre-encoded, stamped
// test clip paced in real time (Publish), and a load generator of RTMP
// players that measures what each receives and its latency (RunLoad).
// They load a server the same way whichever server it is, ours or
// nginx-rtmp, so that the two can be compared in one run.
package bench
