/** Frames per game beyond which an RL run is taken for a typo (1e12 would take years): MinAtar trains 5M frames a
 * game (Young & Tian 2019), so twice that is room for any protocol here. `--allow-many-frames` (a sweep spec's
 * `allowManyFrames`) lifts it. */
export const MAX_FRAMES_PER_GAME = 10_000_000;
