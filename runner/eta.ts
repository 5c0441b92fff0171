/**
 * When a run will end. The solver and the generator step at different rates (a permuted-MNIST VAE step costs
 * twice a solver step), so counting every iteration the same misleads: without a worker the generator trains
 * after the solver, and an ETA taken from the solver's half of the first task came out at half the real time.
 * Each side's rate is measured on its own, from the wall time in which only its counter moved (or both, when the
 * generator runs in a worker beside the solver), and a task costs their sum, or with a worker the slower side.
 * Rates come from the latest task that has timed enough of a side: the first task has nothing to replay and
 * runs at about twice the speed of the later ones.
 */

/** The shape of the work: how many tasks, and each task's iterations of each side. */
export interface Work {
  readonly tasks: number;
  readonly iterations: number;
  /** 0 for arms without a generator. */
  readonly generatorIterations: number;
  /** The generator trains in a worker, at the same time as the solver. */
  readonly concurrent: boolean;
}

/** Where a run is: task index and this task's iterations done by each side. */
export interface Position {
  readonly task: number;
  readonly iteration: number;
  readonly generatorIteration: number;
}

export interface Eta {
  readonly seconds: number;
  /** The generator's rate is not known yet (it has not stepped in this process): its work is not counted. */
  readonly lowerBound: boolean;
}

/** Wall time and iterations of one side, in one task. */
class Rate {
  seconds = 0;
  iterations = 0;
  /** The same side in the tasks before (their latest rate that counts). */
  constructor(private readonly before: number | null = null) {}

  /** Seconds an iteration: this task's once it has timed `enough` iterations, else the tasks' before (null
   *  when nothing has been timed enough yet: the first steps include start-up and say little of the rate). */
  perIteration(enough: number): number | null {
    return this.iterations > 0 && this.iterations >= enough ? this.seconds / this.iterations : this.before;
  }

  /** The latest rate there is, to carry into the next task. */
  latest(): number | null {
    return this.perIteration(1);
  }
}

export class EtaEstimator {
  private last: (Position & { time: number }) | null = null;
  private solver = new Rate();
  private generator = new Rate();

  constructor(private readonly work: Work) {}

  /** Records where the run is at `time` (seconds). */
  update(at: Position, time: number): void {
    const last = this.last;
    this.last = { ...at, time };
    if (last && last.task !== at.task) {
      // A new task: its rates replace the last one's once they have timed enough. The interval across the
      // task's end holds the task-end evaluation and the next task's set-up: not a rate.
      this.solver = new Rate(this.solver.latest());
      this.generator = new Rate(this.generator.latest());
      return;
    }
    if (!last) return;
    const dt = time - last.time;
    const solverSteps = at.iteration - last.iteration;
    const generatorSteps = at.generatorIteration - last.generatorIteration;
    if (solverSteps > 0) {
      this.solver.seconds += dt;
      this.solver.iterations += solverSteps;
    }
    if (generatorSteps > 0 && (solverSteps === 0 || this.work.concurrent)) {
      this.generator.seconds += dt;
      this.generator.iterations += generatorSteps;
    }
  }

  /** Time left after the last update; null until a tenth of a task's solver iterations has been timed. */
  remaining(): Eta | null {
    const { tasks, iterations, generatorIterations, concurrent } = this.work;
    const solverRate = this.solver.perIteration(iterations / 10);
    if (!this.last || solverRate === null) return null;
    const generatorRate = generatorIterations === 0 ? 0 : this.generator.perIteration(generatorIterations / 10);
    const cost = (solverLeft: number, generatorLeft: number): number => {
      const [s, g] = [solverLeft * solverRate, generatorLeft * (generatorRate ?? 0)];
      return concurrent ? Math.max(s, g) : s + g;
    };
    const { task, iteration, generatorIteration } = this.last;
    const thisTask = cost(iterations - iteration, generatorIterations - generatorIteration);
    const laterTasks = (tasks - task - 1) * cost(iterations, generatorIterations);
    return { seconds: thisTask + laterTasks, lowerBound: generatorRate === null };
  }
}
