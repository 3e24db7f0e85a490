package dest

import (
	"slices"
	"time"

	"github.com/seed7c1a73c4/onair/media"
)

// CustomServiceID is the Service ID of a server that is not a known
// platform: no limits are assumed and the key may be part of the URL.
const CustomServiceID = "custom"

// services are the platform presets. The limits are the platforms'
// published recommendations as of 2026, for H.264 (the codec the studio
// sends); the platforms may change them at any time:
//
//   - YouTube: "Choose live encoder settings, bitrates, and resolutions",
//     support.google.com/youtube/answer/2853702. H.264 at 1080p60 is
//     recommended at 12 Mb/s (AV1/HEVC: 4 to 10 Mb/s); keyframe frequency
//     2 s recommended, never above 4 s. Ingest URLs as shown in Live
//     Control Room. It ingests HEVC and AV1 over Enhanced RTMP too (OBS
//     29.1's rtmp-services lists h264, hevc and av1 for YouTube, and
//     H.264 alone for the other platforms here).
//   - Twitch: Broadcasting Guidelines, help.twitch.tv, and Creator Camp
//     "Broadcast Recommendations". Strict CBR, up to 6000 kb/s of H.264
//     video without Enhanced Broadcasting, keyframe interval 2 s.
//     dev.twitch.tv/docs/video-broadcast: rtmp://<ingest>/app/<key>; the
//     preset uses the same ingest over RTMPS on 443.
//   - Facebook Live: Meta Live Video API "Reference → Recommended
//     Settings", developers.facebook.com/docs/live-video-api/reference.
//     RTMPS only; 1080p60 at 4500 to 9000 kb/s (the older 4 Mb/s cap was
//     for 720p); key frames every 2 s recommended, never above 4 s.
//   - Kick: RTMPS ingest; the Stream URL and key are shown per channel in
//     Kick's creator dashboard, so no server is filled in and no limit is
//     assumed.
//
// youtubeCodecs are the video codecs YouTube ingests over RTMP.
var youtubeCodecs = []media.Codec{media.CodecH264, media.CodecHEVC, media.CodecAV1}

// Each platform's RTMPS ingest comes first: a new destination starts on
// it. Plain RTMP to YouTube stays, last but one, for networks that block it.
var services = []Service{
	{
		ID: "youtube-rtmps", Name: "YouTube (RTMPS)",
		VideoCodecs:     youtubeCodecs,
		Server:          "rtmps://a.rtmps.youtube.com:443/live2",
		RequiresRTMPS:   true,
		MaxVideoBitrate: 12_000_000,
		MaxKeyInt:       4 * time.Second,
		KeyHelp:         "In YouTube Studio choose Create → Go live → Stream, and copy the stream key under Stream settings.",
	},
	{
		ID: "twitch", Name: "Twitch",
		Server:          "rtmps://live.twitch.tv:443/app",
		MaxVideoBitrate: 6_000_000,
		MaxKeyInt:       2 * time.Second,
		KeyHelp:         "In the Twitch Creator Dashboard open Settings → Stream, and copy the primary stream key.",
	},
	{
		ID: "facebook", Name: "Facebook Live",
		Server:          "rtmps://live-api-s.facebook.com:443/rtmp/",
		RequiresRTMPS:   true,
		MaxVideoBitrate: 9_000_000,
		MaxKeyInt:       4 * time.Second,
		KeyHelp:         "In Facebook Live Producer choose Streaming software, and copy the stream key under Stream setup.",
	},
	{
		ID: "kick", Name: "Kick",
		RequiresRTMPS: true,
		KeyHelp:       "In the Kick creator dashboard open Settings → Stream URL & Key, and copy both the stream URL and the stream key.",
	},
	{
		ID: "youtube", Name: "YouTube (RTMP)",
		VideoCodecs:     youtubeCodecs,
		Server:          "rtmp://a.rtmp.youtube.com/live2",
		MaxVideoBitrate: 12_000_000,
		MaxKeyInt:       4 * time.Second,
		KeyHelp:         "Unencrypted: prefer YouTube (RTMPS) unless a network blocks it. In YouTube Studio choose Create → Go live → Stream, and copy the stream key under Stream settings.",
	},
	{
		ID: CustomServiceID, Name: "Custom",
		KeyHelp: "Your server's administrator gives you the URL and the key; the key may also be the last part of the URL.",
	},
}

// Services returns the platform presets, custom last. The slice is a copy.
func Services() []Service { return slices.Clone(services) }

// ServiceByID returns the preset with that ID.
func ServiceByID(id string) (Service, bool) {
	for _, s := range services {
		if s.ID == id {
			return s, true
		}
	}
	return Service{}, false
}

// isPlatform reports whether s is a platform preset rather than custom.
func isPlatform(s Service) bool { return s.ID != CustomServiceID }

// Takes reports whether the platform ingests video of codec c.
func (s Service) Takes(c media.Codec) bool {
	return c == media.CodecH264 || slices.Contains(s.VideoCodecs, c)
}
