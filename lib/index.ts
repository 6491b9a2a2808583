/**
 * flowcast: time-series forecasting for Node.js. LSTM training at native
 * speed, Arrow-based data pipelines with exact inverses, and evaluation that
 * always shows the naive baseline.
 *
 * @example
 * import { readCsv, Series, ForecastPipeline, sequential, lstm, dense, adam, evaluateForecast } from 'flowcast';
 */
export * from './data/index.js';
export { ForecastPipeline, type ForecastPipelineConfig, type ForecastPipelineJSON, type ForecastWindows } from './data/pipeline.js';
export { evaluateForecast, type ForecastEvaluation, type ForecastScores, type EvaluateForecastOptions } from './model/evaluate-forecast.js';
export { rmse, mae, mape, smape, mase, directionalAccuracy } from './stats/metrics.js';
export {
  naive,
  seasonalNaive,
  drift,
  historicalMean,
  movingAverage,
  type Baseline,
  type FittedBaseline,
  type BaselineForecast,
} from './classical/simple.js';
export { forecastRecursive } from './forecast/recursive.js';
export { sequential, Sequential, type StreamOptions } from './model/sequential.js';
export type { SequentialConfig } from './model/config.js';
export type { CompileConfig } from './model/compile.js';
export type { FitOptions, History } from './model/fit-loop.js';
export type { PredictOptions, Evaluation } from './model/scores.js';
export type { LayerState } from './model/layer-states.js';
export { NativeStream, type StreamState } from './model/stream.js';
export { exportOnnx, onnxModel, ONNX_OPSET, type ExportOnnxOptions, type OnnxExport, type OnnxSignature, type OnnxValueInfo } from './onnx/export.js';
export { OnnxForecaster, type OnnxForecasterOptions, type OnnxInput } from './onnx/forecaster.js';
export { toOnnxGateOrder } from './onnx/gates.js';
export {
  lstm,
  gru,
  simpleRnn,
  dense,
  dropout,
  type LayerConfig,
  type LstmLayerConfig,
  type DenseLayerConfig,
  type DropoutLayerConfig,
  type GruLayerConfig,
  type SimpleRnnLayerConfig,
  type RecurrentLayerConfig,
  type RecurrentOptions,
  type DenseActivation,
  type LstmOptions,
  type DenseOptions,
} from './model/layers.js';
export {
  adam,
  adamW,
  sgd,
  rmsprop,
  type AdamConfig,
  type AdamOptions,
  type AdamWConfig,
  type AdamWOptions,
  type SgdConfig,
  type SgdOptions,
  type RmspropConfig,
  type RmspropOptions,
  type ClipOptions,
  type OptimizerConfig,
} from './model/optimizers.js';
export type { Callback, BatchLogs, EpochLogs, TrainBeginLogs } from './model/callbacks/types.js';
export { progressBar, type ProgressBarOptions } from './model/callbacks/progress-bar.js';
export { earlyStopping, type EarlyStopping, type EarlyStoppingOptions } from './model/callbacks/early-stopping.js';
export { modelCheckpoint, type ModelCheckpoint, type ModelCheckpointOptions } from './model/callbacks/checkpoint.js';
export { trainingLog, type TrainingLogOptions } from './model/callbacks/training-log.js';
export { tensorBoard, type TensorBoardCallback, type TensorBoardOptions } from './model/callbacks/tensorboard.js';
export type { Monitor } from './model/callbacks/monitor.js';
export {
  stepDecay,
  exponentialDecay,
  cosineDecay,
  reduceLrOnPlateau,
  type StepDecayOptions,
  type CosineDecayOptions,
  type ReduceLrOnPlateau,
  type ReduceLrOnPlateauOptions,
} from './model/callbacks/lr-schedules.js';
export { loadModel } from './model/load.js';
export { saveModel } from './model/save.js';
export { tensor, type Tensor } from './core/tensor.js';
export {
  FlowcastError,
  InvalidArgumentError,
  BusyError,
  DisposedError,
  NativeError,
  FormatError,
  StateError,
  AbortError,
  MissingDependencyError,
  BinaryLoadError,
  type FlowcastErrorCode,
} from './core/errors.js';

export { kernelIsa, threads, setThreads } from './native/runtime.js';
export { LIMITS } from './core/limits.js';
export { cpuInfo, describeCpu, type CpuInfo } from './native/cpu.js';
export { adf, kpss, ndiffs, type AdfResult, type AdfRegression, type KpssResult } from './stats/unit-root.js';
export { acf, pacf } from './stats/correlogram.js';
export { backtest, lstmBacktest, type BacktestOptions, type BacktestResult } from './forecast/backtest.js';
export { ets, etsBaseline, ses, type EtsFit, type EtsOptions, type EtsModel, type EtsTrend, type EtsSeason } from './classical/ets.js';
export { arima, arimaBaseline, type ArimaFit, type ArimaOptions, type ArimaMethod } from './classical/arima.js';
export { autoArima, autoArimaBaseline, type AutoArimaFit, type AutoArimaOptions, type ArimaCandidate } from './classical/auto-arima.js';
export { nsdiffs } from './stats/seasonal-diffs.js';
export { stl, seasonalStrength, type StlOptions, type StlResult } from './stats/stl.js';
export { mstl, type MstlOptions, type MstlResult } from './stats/mstl.js';
export { thetaf, thetaBaseline, type ThetaFit } from './classical/theta.js';
export { withBoxCox, type BoxCoxFit, type BoxCoxOptions } from './classical/box-cox.js';
export { boxCox, invBoxCox, boxCoxLambda } from './stats/box-cox.js';
export { decompose, type DecomposeResult } from './stats/decompose.js';
export { lineChart, type ChartOptions, type ChartLine, type ChartBand } from './plot/chart.js';
export { stlf, stlfBaseline, type StlfFit, type StlfOptions, type StlfMethod, type NonSeasonalEtsModel } from './classical/stlf.js';
export { doctor, formatDoctor, type DoctorReport, type DoctorBinary, type DoctorProblem } from './native/doctor.js';
