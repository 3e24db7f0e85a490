package server

// rateWindow is how many whole seconds a stream's bitrates average over.
const rateWindow = 5
